# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from email.errors import HeaderParseError, MessageDefect
from email.headerregistry import Address

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.modules.currency.fields import Monetary
from trytond.modules.party.exceptions import InvalidEMail
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .access import ContextCompanyMixin
from .credit import available_credit_lines, line_credit


sales_rep = fields.Many2One(
    'company.employee', "Sales Representative", ondelete='RESTRICT',
    domain=[
        ('company', '=', Eval('context', {}).get('company', -1)),
        ],
    help="Put on the customer's new invoices.")


class Party(ContextCompanyMixin, metaclass=PoolMeta):
    # company-valued fields: sales rep, available credit, email options
    __name__ = 'party.party'

    sales_rep = fields.MultiValue(sales_rep)
    sales_reps = fields.One2Many(
        'party.party.sales_rep', 'party', "Sales Representatives")

    mentorsig_currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_mentorsig_currency')
    available_credit = fields.Function(Monetary(
            "Available Credit", currency='mentorsig_currency',
            digits='mentorsig_currency',
            help="Credit notes and overpayments of the customer not used "
            "yet, in the current company."),
        'get_available_credit')
    available_credit_lines = fields.Function(fields.Many2Many(
            'account.move.line', None, None, "Available Credits",
            help="The open credits of the customer, the oldest first."),
        'get_available_credit')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'mentorsig_invoice': {
                    'icon': 'tryton-add',
                    },
                })

    @classmethod
    @ModelView.button_action('mentorsig_invoicing.act_party_invoice_new')
    def mentorsig_invoice(cls, parties):
        "Open a new customer invoice for the party"
        pass

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'sales_rep':
            return pool.get('party.party.sales_rep')
        return super().multivalue_model(field)

    @classmethod
    def _mentorsig_company(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        return Company(company_id) if company_id is not None else None

    @classmethod
    def get_mentorsig_currency(cls, parties, name):
        company = cls._mentorsig_company()
        currency_id = company.currency.id if company else None
        return {p.id: currency_id for p in parties}

    @classmethod
    def get_available_credit(cls, parties, names):
        company = cls._mentorsig_company()
        result = {n: {} for n in names}
        for party in parties:
            lines = (
                available_credit_lines(party, company) if company else [])
            if 'available_credit' in names:
                result['available_credit'][party.id] = sum(
                    (line_credit(l) for l in lines), Decimal(0))
            if 'available_credit_lines' in names:
                result['available_credit_lines'][party.id] = [
                    l.id for l in lines]
        return result


class PartySalesRep(ModelSQL, CompanyValueMixin):
    __name__ = 'party.party.sales_rep'
    __string__ = "Party Sales Representative"

    party = fields.Many2One(
        'party.party', "Party", ondelete='CASCADE',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    sales_rep = fields.Many2One(
        'company.employee', "Sales Representative", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ])


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def check_valid_email(cls, mechanisms, field_names=None):
        """Refuse an address that is not one (bad@@x) when it is typed

        The host checks only when email-validator is installed, and then
        asks the domain's DNS too, for users and the admin's address alike:
        without DNS (or for the reserved .example of the demo) it refuses
        good addresses.  What is typed is checked here, with the standard
        library's RFC 5322 parser; a domain that does not receive mail
        shows as a bounce on sending."""
        if field_names and not (field_names & {'type', 'value'}):
            return
        for mechanism in mechanisms:
            if mechanism.type != 'email' or not mechanism.value:
                continue
            problem = email_address_problem(mechanism.value)
            if problem:
                raise InvalidEMail(gettext(
                        'mentorsig_invoicing.msg_email_invalid',
                        email=mechanism.value,
                        party=mechanism.party.rec_name),
                    problem)


def email_address_problem(address):
    """Why the text is not one email address (name@domain.tld), or None"""
    try:
        parsed = Address(addr_spec=address.strip())
    except (HeaderParseError, MessageDefect, ValueError, IndexError) as e:
        return str(e) or type(e).__name__
    labels = parsed.domain.split('.')
    if len(labels) < 2 or not all(labels):
        return "the domain %r has no dot or an empty part" % parsed.domain
    if any(l.startswith('-') or l.endswith('-') for l in labels):
        return "a part of the domain %r starts or ends with -" % parsed.domain
    return None
