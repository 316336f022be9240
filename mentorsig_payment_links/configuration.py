# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment links per company: the providers offered, their credentials
(test or live), the link validity and the public address.

The secrets (Stripe's secret key and webhook signing secret, Paybox's HMAC
key, PayPal's client id, secret and webhook id) live in their own company-value model that only the group
*MentorSiG Administration* reads or writes, and their fields on the
configuration are closed to everyone else (ir.model.field.access)."""
import urllib.parse

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import PaymentLinkConfigurationError
from .providers import paybox

PROVIDERS = ['stripe', 'paypal', 'paybox']
MODES = [('test', "Test"), ('live', "Live")]
PAYPAL_MODES = [('sandbox', "Sandbox"), ('live', "Live")]
MAXIMUM_VALIDITY_DAYS = 365
DEFAULT_VALIDITY_DAYS = 60
SECRET_FIELDS = {
    'payment_link_stripe_secret_key', 'payment_link_stripe_webhook_secret',
    'payment_link_paybox_hmac_key',
    'payment_link_paypal_client_id', 'payment_link_paypal_secret',
    'payment_link_paypal_webhook_id'}
LINK_FIELDS = {
    'payment_link_stripe', 'payment_link_paybox', 'payment_link_validity',
    'payment_link_base_url',
    'payment_link_stripe_method',
    'payment_link_paybox_mode', 'payment_link_paybox_method',
    'payment_link_paybox_site', 'payment_link_paybox_rank',
    'payment_link_paybox_identifier', 'payment_link_paybox_public_key',
    'payment_link_paypal', 'payment_link_paypal_mode',
    'payment_link_paypal_method'}

_method_domain = [
    ('company', '=', Eval('context', {}).get('company', -1)),
    ('debit_account', '!=', None),
    ('credit_account', '!=', None),
    ]

payment_link_stripe = fields.Boolean(
    "Stripe (card)", help="Offer card payment through Stripe.")
payment_link_paybox = fields.Boolean(
    "Paybox (Verifone)", help="Offer card payment through Paybox.")
payment_link_paypal = fields.Boolean(
    "PayPal", help="Offer payment through PayPal (account or card).")
payment_link_validity = fields.Integer(
    "Link Validity", required=True,
    help="Number of days a payment link stays usable after the invoice's "
    "due date (or after it is made, when it is made later).")
payment_link_base_url = fields.Char(
    "Public Address",
    help="The address customers reach this server at (the reverse proxy), "
    "e.g. https://erp.example.com; payment links and provider callbacks "
    "are built on it. Empty: the address of the request.")
payment_link_stripe_method = fields.Many2One(
    'account.invoice.payment.method', "Stripe Payment Method",
    domain=_method_domain,
    help="Books what Stripe confirms: its journal and account (the Stripe "
    "balance).")
payment_link_stripe_secret_key = fields.Char(
    "Stripe Secret Key", strip=False,
    help="sk_test_... (test mode, nothing charged) or sk_live_....")
payment_link_stripe_webhook_secret = fields.Char(
    "Stripe Webhook Signing Secret", strip=False,
    help="The whsec_ secret of the webhook endpoint made in Stripe.")
payment_link_paybox_mode = fields.Selection(
    MODES, "Paybox Mode", required=True,
    help="Test: Paybox's pre-production platform.")
payment_link_paybox_method = fields.Many2One(
    'account.invoice.payment.method', "Paybox Payment Method",
    domain=_method_domain,
    help="Books what Paybox confirms: its journal and account.")
payment_link_paybox_site = fields.Char("Paybox Site")
payment_link_paybox_rank = fields.Char("Paybox Rank")
payment_link_paybox_identifier = fields.Char("Paybox Identifier")
payment_link_paybox_hmac_key = fields.Char(
    "Paybox HMAC Key", strip=False,
    help="The secret key made in Paybox's back office (hexadecimal).")
payment_link_paybox_public_key = fields.Text(
    "Paybox Public Key",
    help="Paybox's RSA public key (PEM) that signs its notifications.")
payment_link_paypal_mode = fields.Selection(
    PAYPAL_MODES, "PayPal Mode", required=True,
    help="Sandbox: PayPal's test platform, nothing charged.")
payment_link_paypal_method = fields.Many2One(
    'account.invoice.payment.method', "PayPal Payment Method",
    domain=_method_domain,
    help="Books what PayPal confirms: its journal and account (the PayPal "
    "balance).")
payment_link_paypal_client_id = fields.Char(
    "PayPal Client ID", strip=False,
    help="The client ID of the REST app made in PayPal's developer "
    "dashboard (sandbox or live, as the mode).")
payment_link_paypal_secret = fields.Char(
    "PayPal Secret", strip=False,
    help="The secret of that REST app.")
payment_link_paypal_webhook_id = fields.Char(
    "PayPal Webhook ID", strip=False,
    help="The ID PayPal gave the webhook made on the endpoint below; "
    "PayPal's verification of every event needs it.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'mentorsig.configuration'

    payment_link_stripe = fields.MultiValue(payment_link_stripe)
    payment_link_paybox = fields.MultiValue(payment_link_paybox)
    payment_link_validity = fields.MultiValue(payment_link_validity)
    payment_link_base_url = fields.MultiValue(payment_link_base_url)
    payment_link_stripe_method = fields.MultiValue(payment_link_stripe_method)
    payment_link_stripe_secret_key = fields.MultiValue(
        payment_link_stripe_secret_key)
    payment_link_stripe_webhook_secret = fields.MultiValue(
        payment_link_stripe_webhook_secret)
    payment_link_stripe_webhook_url = fields.Function(fields.Char(
            "Stripe Webhook Endpoint",
            help="The address to give Stripe for the events "
            "checkout.session.completed, payment_intent.succeeded, "
            "charge.refunded and charge.dispute.created."),
        'get_payment_link_stripe_webhook_url')
    payment_link_paypal = fields.MultiValue(payment_link_paypal)
    payment_link_paypal_mode = fields.MultiValue(payment_link_paypal_mode)
    payment_link_paypal_method = fields.MultiValue(payment_link_paypal_method)
    payment_link_paypal_client_id = fields.MultiValue(
        payment_link_paypal_client_id)
    payment_link_paypal_secret = fields.MultiValue(payment_link_paypal_secret)
    payment_link_paypal_webhook_id = fields.MultiValue(
        payment_link_paypal_webhook_id)
    payment_link_paypal_webhook_url = fields.Function(fields.Char(
            "PayPal Webhook Endpoint",
            help="The address to give PayPal for the events "
            "CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.COMPLETED, "
            "PAYMENT.CAPTURE.REFUNDED and PAYMENT.CAPTURE.REVERSED."),
        'get_payment_link_paypal_webhook_url')
    payment_link_paybox_mode = fields.MultiValue(payment_link_paybox_mode)
    payment_link_paybox_method = fields.MultiValue(payment_link_paybox_method)
    payment_link_paybox_site = fields.MultiValue(payment_link_paybox_site)
    payment_link_paybox_rank = fields.MultiValue(payment_link_paybox_rank)
    payment_link_paybox_identifier = fields.MultiValue(
        payment_link_paybox_identifier)
    payment_link_paybox_hmac_key = fields.MultiValue(
        payment_link_paybox_hmac_key)
    payment_link_paybox_public_key = fields.MultiValue(
        payment_link_paybox_public_key)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in SECRET_FIELDS:
            return pool.get('mentorsig.configuration.payment_link.secret')
        if field in LINK_FIELDS:
            return pool.get('mentorsig.configuration.payment_link')
        return super().multivalue_model(field)

    @classmethod
    def default_payment_link_validity(cls, **pattern):
        return DEFAULT_VALIDITY_DAYS

    @classmethod
    def default_payment_link_paybox_mode(cls, **pattern):
        return 'test'

    @classmethod
    def default_payment_link_paypal_mode(cls, **pattern):
        return 'sandbox'

    def _webhook_url(self, provider):
        company = Transaction().context.get('company')
        if company is None:
            return None
        return payment_link_url(
            self.get_multivalue('payment_link_base_url', company=company),
            'webhook/%s/%d' % (provider, company))

    def get_payment_link_stripe_webhook_url(self, name):
        return self._webhook_url('stripe')

    def get_payment_link_paypal_webhook_url(self, name):
        return self._webhook_url('paypal')

    def enabled_payment_providers(self, company=None):
        """The names of the providers offered on payment pages: enabled
        and with their credentials"""
        pattern = {'company': company} if company is not None else {}

        def value(name):
            return self.get_multivalue('payment_link_' + name, **pattern)
        providers = []
        if (value('stripe') and value('stripe_secret_key')
                and value('stripe_method')):
            providers.append('stripe')
        if (value('paypal') and value('paypal_client_id')
                and value('paypal_secret') and value('paypal_webhook_id')
                and value('paypal_method')):
            providers.append('paypal')
        if (value('paybox') and value('paybox_hmac_key')
                and value('paybox_site') and value('paybox_rank')
                and value('paybox_identifier')
                and value('paybox_public_key') and value('paybox_method')):
            providers.append('paybox')
        return providers


def payment_link_url(base_url, path):
    "The public address of path under this database's payment routes"
    from trytond.url import http_host
    base = (base_url or http_host()).rstrip('/')
    return '%s/%s/mentorsig_payment_links/%s' % (
        base, urllib.parse.quote(Transaction().database.name), path)


class ConfigurationPaymentLink(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.payment_link'
    __string__ = "MentorSiG Configuration Payment Link"

    payment_link_stripe = payment_link_stripe
    payment_link_paybox = payment_link_paybox
    payment_link_validity = payment_link_validity
    payment_link_base_url = payment_link_base_url
    payment_link_stripe_method = payment_link_stripe_method
    payment_link_paybox_mode = payment_link_paybox_mode
    payment_link_paybox_method = payment_link_paybox_method
    payment_link_paybox_site = payment_link_paybox_site
    payment_link_paybox_rank = payment_link_paybox_rank
    payment_link_paybox_identifier = payment_link_paybox_identifier
    payment_link_paybox_public_key = payment_link_paybox_public_key
    payment_link_paypal = payment_link_paypal
    payment_link_paypal_mode = payment_link_paypal_mode
    payment_link_paypal_method = payment_link_paypal_method

    @classmethod
    def default_payment_link_validity(cls):
        return DEFAULT_VALIDITY_DAYS

    @classmethod
    def default_payment_link_paybox_mode(cls):
        return 'test'

    @classmethod
    def default_payment_link_paypal_mode(cls):
        return 'sandbox'

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if 'payment_link_validity' in field_names and not (
                    1 <= (record.payment_link_validity or 0)
                    <= MAXIMUM_VALIDITY_DAYS):
                raise PaymentLinkConfigurationError(gettext(
                        'mentorsig_payment_links.msg_invalid_validity',
                        days=record.payment_link_validity,
                        maximum=MAXIMUM_VALIDITY_DAYS))
            url = record.payment_link_base_url
            if 'payment_link_base_url' in field_names and url:
                parts = urllib.parse.urlsplit(url)
                if (parts.scheme not in {'http', 'https'}
                        or not parts.netloc or parts.query
                        or parts.fragment):
                    raise PaymentLinkConfigurationError(gettext(
                            'mentorsig_payment_links.msg_invalid_base_url',
                            url=url))


class ConfigurationPaymentLinkSecret(ModelSQL, CompanyValueMixin):
    "Readable and writable by the MentorSiG administrators only"
    __name__ = 'mentorsig.configuration.payment_link.secret'
    __string__ = "MentorSiG Configuration Payment Link Secret"

    payment_link_stripe_secret_key = payment_link_stripe_secret_key
    payment_link_stripe_webhook_secret = payment_link_stripe_webhook_secret
    payment_link_paybox_hmac_key = payment_link_paybox_hmac_key
    payment_link_paypal_client_id = payment_link_paypal_client_id
    payment_link_paypal_secret = payment_link_paypal_secret
    payment_link_paypal_webhook_id = payment_link_paypal_webhook_id

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            key = record.payment_link_stripe_secret_key
            if ('payment_link_stripe_secret_key' in field_names and key
                    and not key.startswith(('sk_', 'rk_'))):
                raise PaymentLinkConfigurationError(gettext(
                        'mentorsig_payment_links.msg_invalid_stripe_key'))
            secret = record.payment_link_stripe_webhook_secret
            if ('payment_link_stripe_webhook_secret' in field_names
                    and secret and not secret.startswith('whsec_')):
                raise PaymentLinkConfigurationError(gettext(
                        'mentorsig_payment_links.msg_invalid_stripe_webhook'))
            hmac_key = record.payment_link_paybox_hmac_key
            if 'payment_link_paybox_hmac_key' in field_names and hmac_key:
                try:
                    paybox.check_key(hmac_key)
                except ValueError:
                    raise PaymentLinkConfigurationError(gettext(
                            'mentorsig_payment_links.msg_invalid_paybox_key'))
