# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta

from .exceptions import PaymentLinkConfigurationError

PROVIDERS = ['stripe', 'paypal', 'paybox']
LINK_FIELDS = {
    'payment_link_stripe', 'payment_link_paypal', 'payment_link_paybox',
    'payment_link_validity'}
MAXIMUM_VALIDITY_DAYS = 365

payment_link_stripe = fields.Boolean(
    "Stripe (card)", help="Offer card payment through Stripe.")
payment_link_paypal = fields.Boolean(
    "PayPal", help="Offer payment through PayPal.")
payment_link_paybox = fields.Boolean(
    "Paybox (Verifone)", help="Offer card payment through Paybox.")
payment_link_validity = fields.Integer(
    "Link Validity", required=True,
    help="Number of days a payment link stays usable after it is made.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'mentorsig.configuration'

    payment_link_stripe = fields.MultiValue(payment_link_stripe)
    payment_link_paypal = fields.MultiValue(payment_link_paypal)
    payment_link_paybox = fields.MultiValue(payment_link_paybox)
    payment_link_validity = fields.MultiValue(payment_link_validity)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in LINK_FIELDS:
            return pool.get('mentorsig.configuration.payment_link')
        return super().multivalue_model(field)

    @classmethod
    def default_payment_link_validity(cls, **pattern):
        return 30

    def enabled_payment_providers(self, company=None):
        "Return the names of the providers offered on payment pages"
        pattern = {'company': company} if company is not None else {}
        return [
            p for p in PROVIDERS
            if self.get_multivalue('payment_link_%s' % p, **pattern)]


class ConfigurationPaymentLink(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.payment_link'
    __string__ = "MentorSiG Configuration Payment Link"

    payment_link_stripe = payment_link_stripe
    payment_link_paypal = payment_link_paypal
    payment_link_paybox = payment_link_paybox
    payment_link_validity = payment_link_validity

    @classmethod
    def default_payment_link_validity(cls):
        return 30

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if 'payment_link_validity' not in field_names:
            return
        for record in records:
            if not (1 <= (record.payment_link_validity or 0)
                    <= MAXIMUM_VALIDITY_DAYS):
                raise PaymentLinkConfigurationError(gettext(
                        'mentorsig_payment_links.msg_invalid_validity',
                        days=record.payment_link_validity,
                        maximum=MAXIMUM_VALIDITY_DAYS))
