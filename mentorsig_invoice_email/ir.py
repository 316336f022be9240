# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class EmailTemplate(metaclass=PoolMeta):
    __name__ = 'ir.email.template'

    def get_context(self, record):
        "The invoice placeholders also in the host's Email dialog"
        context = super().get_context(record)
        if getattr(record, '__name__', None) == 'account.invoice':
            Invoice = Pool().get('account.invoice')
            invoice = Invoice(record.id)
            lang = invoice.mentorsig_email_lang()
            context.update(invoice.mentorsig_email_placeholders(
                    lang.code if lang else 'en'))
        return context
