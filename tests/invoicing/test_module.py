# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MentorsigInvoicingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Invoicing module"
    module = 'mentorsig_invoicing'
    extras = extras_for(module)

    @with_transaction()
    def test_legal_defaults_per_company(self):
        "Each company starts with the French legal defaults"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = create_company()
        with set_company(company):
            config = Configuration(1)
            self.assertEqual(config.recovery_indemnity, Decimal('40'))
            self.assertEqual(config.late_payment_rate, Decimal('12.15'))

    @with_transaction()
    def test_values_are_company_scoped(self):
        "A value set for one company is not seen by another"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company1 = create_company()
        company2 = create_company(name="Second Company")
        with set_company(company1):
            config = Configuration(1)
            config.late_payment_rate = Decimal('15.00')
            config.save()
        with set_company(company2):
            self.assertEqual(
                Configuration(1).late_payment_rate, Decimal('12.15'))
        with set_company(company1):
            self.assertEqual(
                Configuration(1).late_payment_rate, Decimal('15.00'))

    @with_transaction()
    def test_recovery_indemnity_below_law(self):
        "The recovery indemnity cannot go below 40 EUR"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = create_company()
        with set_company(company):
            config = Configuration(1)
            config.recovery_indemnity = Decimal('39.99')
            with self.assertRaisesRegex(UserError, "40"):
                config.save()

    @with_transaction()
    def test_late_payment_rate_range(self):
        "The penalty rate is a percentage above 0"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = create_company()
        with set_company(company):
            config = Configuration(1)
            config.late_payment_rate = Decimal('0')
            with self.assertRaises(UserError):
                config.save()

    @with_transaction()
    def test_missing_legal_mentions(self):
        "A company without SIREN nor VAT number lacks both mentions"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = create_company()
        with set_company(company):
            self.assertEqual(
                Configuration.missing_legal_mentions(company),
                ['siren', 'vat_number'])


del ModuleTestCase
