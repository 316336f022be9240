# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from email.utils import parseaddr

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from mentorsig_invoicing.configuration import default_from_value_model
from mentorsig_invoicing.party import email_address_problem

from .exceptions import InvoiceEmailError

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
email_sender = fields.Char(
    "Sender",
    help="The address the company's emails come from, with its name, e.g. "
    "\"Société SAS <factures@societe.fr>\" (else the server's [email] "
    "from).")
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
    email_sender = fields.MultiValue(email_sender)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {f for f, _ in EMAIL_TEMPLATES.values()} | {
                'email_sender'}:
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
    __string__ = "MentorSiG Configuration Emails"

    invoice_email_template = invoice_email_template
    credit_note_email_template = credit_note_email_template
    receipt_email_template = receipt_email_template
    email_sender = email_sender

    default_invoice_email_template = default_shipped_template(
        'email_template_invoice')
    default_credit_note_email_template = default_shipped_template(
        'email_template_credit_note')
    default_receipt_email_template = default_shipped_template(
        'email_template_receipt')

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if 'email_sender' in field_names:
            for record in records:
                if not record.email_sender:
                    continue
                _, address = parseaddr(record.email_sender)
                problem = email_address_problem(address) if address else (
                    "no address")
                if problem:
                    raise InvoiceEmailError(gettext(
                            'mentorsig_invoice_email.msg_sender_invalid',
                            sender=record.email_sender), problem)
