# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The wire formats of the payment providers: no ORM"
from dataclasses import dataclass
from decimal import Decimal


class ProviderError(Exception):
    "The provider could not be reached or refused the call"

    def __init__(self, message, status=None, issue=None):
        super().__init__(message)
        self.status = status  # the HTTP status it answered, if any
        self.issue = issue  # the provider's error code, if it gave one


@dataclass
class Confirmation:
    "What a provider event says happened, in plain values"
    event_id: str
    event_type: str
    kind: str           # 'payment' or 'reversal'
    transaction: str    # the payment intent: one payment, however told
    booking: str        # what is booked at most once
    amount: Decimal
    currency: str
    metadata: dict
    cumulative: bool = False  # the amount is the total refunded so far
