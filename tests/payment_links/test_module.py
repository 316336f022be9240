# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.account.tests import create_chart
from trytond.pool import Pool
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MentorsigPaymentLinksTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Payment Links module"
    module = 'mentorsig_payment_links'
    extras = extras_for(module)

    @with_transaction()
    def test_enabled_providers_per_company(self):
        "Providers are offered per company, once their credentials are in"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        Method = pool.get('account.invoice.payment.method')
        Journal = pool.get('account.journal')
        Account = pool.get('account.account')
        company1 = create_company()
        company2 = create_company(name="Other")
        with set_company(company1):
            create_chart(company1)
            journal, = Journal.search([('type', '=', 'cash')], limit=1)
            account, = Account.search([
                    ('company', '=', company1.id),
                    ('type', '!=', None), ('closed', '!=', True),
                    ('type.receivable', '=', False),
                    ('type.payable', '=', False),
                    ('type.statement', '=', 'balance'),
                    ], limit=1)
            method, = Method.create([{
                        'name': "Stripe", 'company': company1.id,
                        'journal': journal.id, 'debit_account': account.id,
                        'credit_account': account.id}])
            config = Configuration(1)
            config.payment_link_stripe = True
            config.payment_link_paybox = True
            config.save()
            # enabled, but nothing to pay with yet
            self.assertEqual(
                Configuration(1).enabled_payment_providers(), [])
            config.payment_link_stripe_secret_key = 'sk_test_1'
            config.payment_link_stripe_method = method
            config.payment_link_paybox_site = '1999888'
            config.payment_link_paybox_rank = '32'
            config.payment_link_paybox_identifier = '107904482'
            config.payment_link_paybox_hmac_key = '00FF'
            config.payment_link_paybox_public_key = 'PEM'
            config.payment_link_paybox_method = method
            config.save()
            self.assertEqual(
                Configuration(1).enabled_payment_providers(),
                ['stripe', 'paybox'])
            # PayPal needs its app's credentials and its webhook's id
            config.payment_link_paypal = True
            config.payment_link_paypal_client_id = 'AcL1ent'
            config.payment_link_paypal_secret = 'EKs3cret'
            config.payment_link_paypal_method = method
            config.save()
            self.assertEqual(
                Configuration(1).enabled_payment_providers(),
                ['stripe', 'paybox'])
            config.payment_link_paypal_webhook_id = '8PT597110X687430L'
            config.save()
            self.assertEqual(
                Configuration(1).enabled_payment_providers(),
                ['stripe', 'paypal', 'paybox'])
            self.assertEqual(config.payment_link_paypal_mode, 'sandbox')
        with set_company(company2):
            self.assertEqual(
                Configuration(1).enabled_payment_providers(), [])


del ModuleTestCase
