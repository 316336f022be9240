# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.model.exceptions import AccessError


class LegalMentionError(ValidationError):
    pass


class CreditNoteError(ValidationError):
    pass


class CreditError(ValidationError):
    pass


class InvoiceDateError(ValidationError):
    pass


class CompanyAccessError(AccessError):
    "A company named by the client that is not one of the user's"


class FormAccessError(AccessError):
    "Values sent back by the client that do not match what was shown"


class PaymentError(ValidationError):
    pass


class WorkInvoiceError(UserError):
    pass


class DocumentError(UserError):
    "An invoice whose document cannot be made is not posted"


class NotEnabledError(UserError):
    pass


class BatchError(UserError):
    pass
