# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class EmailTemplate(metaclass=PoolMeta):
    """Templates of a company edited by its administrators

    The host's templates are global: an administrator of one company could
    rewrite the templates another sends.  A template made by a company's
    administrator belongs to that company (record rules in ir.xml); the
    shared ones (the shipped invoice templates) are edited by the
    database administrators only."""
    __name__ = 'ir.email.template'

    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="The company whose administrators edit the template and that "
        "sends it; empty for a template shared by every company, edited by "
        "the database administrators only.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

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


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('account.invoice|mentorsig_email_resume',
                "Resume Stalled Invoice Emails"))
