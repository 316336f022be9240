# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.i18n import gettext

from .failure import failure


class InvoiceEmailError(UserError):
    "Why an invoice cannot be emailed; its failure is stored on the invoice"
    failure = None

    @classmethod
    def of(cls, message_id, **values):
        "The error of a message, in the current language, and its failure"
        error = cls(gettext(message_id, **values))
        error.failure = failure(message_id, **values)
        return error
