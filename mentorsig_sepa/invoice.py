# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .payment import REASON_SELECTION


def last_return(payments):
    "The reason code of the last failed SEPA debit among payments"
    failed = [p for p in payments
        if p.state == 'failed' and p.kind == 'receivable'
        and p.sepa_return_reason_code]
    if failed:
        payment = max(failed, key=lambda p: (p.date, p.id))
        codes = dict(REASON_SELECTION)
        if payment.sepa_return_reason_code in codes:
            return payment.sepa_return_reason_code


def return_reason_field(string, help):
    "The ISO reason code of the last rejected or returned debit, labelled"
    return fields.Function(fields.Selection(
            REASON_SELECTION, string,
            states={
                'invisible': ~Eval('sepa_return_reason'),
                },
            help=help),
        'get_sepa_return_reason')


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    sepa_return_reason = return_reason_field("Direct Debit Returned",
        "Why the bank rejected or returned the last direct debit of this "
        "invoice.")

    def get_sepa_return_reason(self, name):
        if self.state not in {'posted', 'paid'}:
            return None
        return last_return(
            [p for l in self.lines_to_pay for p in l.payments])
