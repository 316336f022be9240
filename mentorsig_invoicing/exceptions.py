# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class LegalMentionError(ValidationError):
    pass


class CreditNoteError(ValidationError):
    pass


class CreditError(ValidationError):
    pass


class PaymentError(ValidationError):
    pass


class WorkInvoiceError(UserError):
    pass
