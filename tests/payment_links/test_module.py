# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MentorsigPaymentLinksTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Payment Links module"
    module = 'mentorsig_payment_links'
    extras = extras_for(module)

    @with_transaction()
    def test_enabled_providers_per_company(self):
        "Providers are enabled per company"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company1 = create_company()
        company2 = create_company(name="Other")
        with set_company(company1):
            config = Configuration(1)
            config.payment_link_stripe = True
            config.payment_link_paybox = True
            config.save()
            self.assertEqual(
                Configuration(1).enabled_payment_providers(),
                ['stripe', 'paybox'])
        with set_company(company2):
            self.assertEqual(
                Configuration(1).enabled_payment_providers(), [])


del ModuleTestCase
