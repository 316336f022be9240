# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

email_invoices = fields.Boolean(
    "Email Invoices Automatically",
    help="Send the customer's invoices by email as soon as they are "
    "posted, in the current company.")
email_receipts = fields.Boolean(
    "Email Payment Receipts Automatically",
    help="Send the customer a payment receipt by email when one of its "
    "invoices is paid, in the current company.")


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    email_invoices = fields.MultiValue(email_invoices)
    email_settings = fields.One2Many(
        'party.party.mentorsig_email', 'party',
        "Email Invoices Automatically")
    email_payment_receipts = fields.MultiValue(email_receipts)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'email_invoices', 'email_payment_receipts'}:
            return pool.get('party.party.mentorsig_email')
        return super().multivalue_model(field)


class PartyEmail(ModelSQL, CompanyValueMixin):
    __name__ = 'party.party.mentorsig_email'
    __string__ = "Party Email Invoices"

    party = fields.Many2One(
        'party.party', "Party", ondelete='CASCADE',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    email_invoices = email_invoices
    email_payment_receipts = email_receipts
