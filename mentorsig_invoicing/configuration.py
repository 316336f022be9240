# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.rpc import RPC

from . import legal
from .access import ContextCompanyMixin, check_company
from .exceptions import LegalMentionError, NotEnabledError

LEGAL_FIELDS = {
    'enabled', 'late_payment_rate', 'recovery_indemnity',
    'early_payment_discount', 'default_payment_term'}

enabled = fields.Boolean(
    "MentorSiG Enabled",
    help="When unchecked, the company invoices exactly as Tryton does "
    "without MentorSiG: no legal mention checked at posting, the host's "
    "report, no automatic email, no required extra field, no SEPA batch "
    "nor payment link.")

late_payment_rate = fields.Numeric(
    "Late Payment Penalty Rate", digits=(16, 2), required=True,
    help="Annual rate of the penalties due when an invoice is paid late, "
    "in percent (at least three times the French legal interest rate).")
recovery_indemnity = fields.Numeric(
    "Recovery Indemnity", digits=(16, 2), required=True,
    help="Fixed indemnity for recovery costs owed by a business customer "
    "paying late (40 EUR in France).")
early_payment_discount = fields.Text(
    "Early Payment Discount", translate=True,
    help="Terms of the discount for early payment, printed on invoices "
    "in the customer's language (translate it in each language).")
default_payment_term = fields.Many2One(
    'account.invoice.payment_term', "Default Payment Term",
    ondelete='RESTRICT',
    help="Used on new invoices when the customer has none.")


def default_from_value_model(field_name):
    @classmethod
    def default(cls, **pattern):
        return getattr(
            cls.multivalue_model(field_name),
            'default_%s' % field_name, lambda: None)()
    return default


class Configuration(ContextCompanyMixin, ModelSingleton, ModelSQL, ModelView,
        CompanyMultiValueMixin):
    """One set of values per company, that of the company in the context
    (refused when it is not one of the user's)"""
    __name__ = 'mentorsig.configuration'
    __string__ = "MentorSiG Configuration"

    enabled = fields.MultiValue(enabled)
    late_payment_rate = fields.MultiValue(late_payment_rate)
    recovery_indemnity = fields.MultiValue(recovery_indemnity)
    early_payment_discount = fields.MultiValue(early_payment_discount)
    default_payment_term = fields.MultiValue(default_payment_term)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in LEGAL_FIELDS:
            return pool.get('mentorsig.configuration.legal')
        return super().multivalue_model(field)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['missing_legal_mentions'] = RPC()

    default_enabled = default_from_value_model('enabled')
    default_late_payment_rate = default_from_value_model('late_payment_rate')
    default_recovery_indemnity = default_from_value_model(
        'recovery_indemnity')
    default_early_payment_discount = default_from_value_model(
        'early_payment_discount')

    @classmethod
    def enabled_companies(cls, companies):
        """The companies of the list that enabled MentorSiG

        The one place that tells: every feature that changes the host's
        behaviour asks it, for the invoice's company (not the user's)."""
        config = cls(1)
        return {c for c in companies
            if c and config.get_multivalue('enabled', company=int(c))}

    @classmethod
    def check_enabled(cls, company, feature):
        """Refuse a feature that needs MentorSiG set up (SEPA batches,
        payment links...) for a company that has not enabled it, saying
        where to enable it"""
        pool = Pool()
        Company = pool.get('company.company')
        if company is not None and not cls.enabled_companies([company]):
            raise NotEnabledError(gettext(
                    'mentorsig_invoicing.msg_not_enabled',
                    company=Company(int(company)).rec_name,
                    feature=feature))

    @classmethod
    def missing_legal_mentions(cls, company):
        "Return the keys of the mandatory mentions the company lacks"
        pool = Pool()
        Company = pool.get('company.company')
        check_company(company)
        company = Company(int(company))
        config = cls(1)
        party = company.party
        address = party.address_get(type='invoice')
        return legal.missing_company_mentions(
            # as the documents do: a company without country is French
            country=(address.country.code
                if address and address.country else 'FR'),
            siren=party.siren.code if party.siren else None,
            vat_number=(
                party.tax_identifier.code if party.tax_identifier else None),
            address_complete=bool(address and address.street
                and address.city and address.country),
            late_payment_rate=config.get_multivalue(
                'late_payment_rate', company=company.id),
            recovery_indemnity=config.get_multivalue(
                'recovery_indemnity', company=company.id))


class ConfigurationLegal(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.legal'
    __string__ = "MentorSiG Configuration per Company"

    enabled = enabled
    late_payment_rate = late_payment_rate
    recovery_indemnity = recovery_indemnity
    early_payment_discount = early_payment_discount
    default_payment_term = default_payment_term

    @classmethod
    def default_enabled(cls):
        # A company invoices as before until an integrator enables
        # MentorSiG for it (the set-up wizard proposes it)
        return False

    @classmethod
    def default_late_payment_rate(cls):
        # The legal floor is 3 times the legal interest rate; many French
        # businesses print the ECB refinancing rate + 10 points instead.
        return Decimal('12.15')

    @classmethod
    def default_recovery_indemnity(cls):
        return legal.RECOVERY_INDEMNITY_MINIMUM.quantize(Decimal('0.01'))

    @classmethod
    def default_early_payment_discount(cls):
        return "Pas d'escompte pour paiement anticipé."

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if field_names & {'late_payment_rate'}:
                error = legal.check_late_payment_rate(record.late_payment_rate)
                if error:
                    raise LegalMentionError(gettext(
                            'mentorsig_invoicing.msg_late_payment_rate_'
                            + error,
                            rate=record.late_payment_rate))
            if field_names & {'recovery_indemnity'}:
                error = legal.check_recovery_indemnity(
                    record.recovery_indemnity)
                if error:
                    raise LegalMentionError(gettext(
                            'mentorsig_invoicing.msg_recovery_indemnity_'
                            + error,
                            amount=record.recovery_indemnity,
                            minimum=legal.RECOVERY_INDEMNITY_MINIMUM))
