# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from mentorsig_invoicing.configuration import default_from_value_model

# The email template of each kind of invoice email, per company; the
# shipped template (invoice.xml) when none is chosen
EMAIL_TEMPLATES = {
    'invoice': ('invoice_email_template', 'email_template_invoice'),
    'credit_note': (
        'credit_note_email_template', 'email_template_credit_note'),
    'receipt': ('receipt_email_template', 'email_template_receipt'),
    }
# The shared templates and the company's own (not another company's)
_template_domain = [
    ('model.name', '=', 'account.invoice'),
    ['OR',
        ('company', '=', None),
        ('company', '=', Eval('context', {}).get('company', -1)),
        ],
    ]
invoice_email_template = fields.Many2One(
    'ir.email.template', "Invoice Email Template", ondelete='RESTRICT',
    domain=_template_domain,
    help="The email sent with the company's invoices.")
credit_note_email_template = fields.Many2One(
    'ir.email.template', "Credit Note Email Template", ondelete='RESTRICT',
    domain=_template_domain,
    help="The email sent with the company's credit notes.")
receipt_email_template = fields.Many2One(
    'ir.email.template', "Payment Receipt Email Template",
    ondelete='RESTRICT', domain=_template_domain,
    help="The email that confirms to a customer that an invoice is paid.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'mentorsig.configuration'

    invoice_email_template = fields.MultiValue(invoice_email_template)
    credit_note_email_template = fields.MultiValue(
        credit_note_email_template)
    receipt_email_template = fields.MultiValue(receipt_email_template)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {f for f, _ in EMAIL_TEMPLATES.values()}:
            return pool.get('mentorsig.configuration.email')
        return super().multivalue_model(field)

    default_invoice_email_template = default_from_value_model(
        'invoice_email_template')
    default_credit_note_email_template = default_from_value_model(
        'credit_note_email_template')
    default_receipt_email_template = default_from_value_model(
        'receipt_email_template')


def default_shipped_template(xml_id):
    @classmethod
    def default(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('mentorsig_invoice_email', xml_id)
        except KeyError:
            # not loaded yet (module activation) or deleted
            return None
    return default


class ConfigurationEmail(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.email'
    __string__ = "MentorSiG Configuration Email Templates"

    invoice_email_template = invoice_email_template
    credit_note_email_template = credit_note_email_template
    receipt_email_template = receipt_email_template

    default_invoice_email_template = default_shipped_template(
        'email_template_invoice')
    default_credit_note_email_template = default_shipped_template(
        'email_template_credit_note')
    default_receipt_email_template = default_shipped_template(
        'email_template_receipt')
