# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from mentorsig_invoicing.invoice_email import savepoint
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


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

    @with_transaction()
    def test_extra_field_keys_per_company(self):
        "The web client gets the active extra fields of the company"
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        Invoice = pool.get('account.invoice')
        Party = pool.get('party.party')
        company1 = create_company()
        company2 = create_company(name="Second Company")
        with set_company(company1):
            ExtraField.create([{
                        'name': 'note', 'string': "Note", 'type_': 'text',
                        'target': 'account.invoice',
                        }, {
                        'name': 'lots', 'string': "Lots",
                        'type_': 'integer', 'default_value': "2",
                        'target': 'account.invoice',
                        }, {
                        'name': 'old', 'string': "Old", 'type_': 'char',
                        'target': 'account.invoice', 'active': False,
                        }, {
                        'name': 'segment', 'string': "Segment",
                        'type_': 'char', 'target': 'party.party',
                        }])
            keys = ExtraField.search_get_keys(
                [('target', '=', 'account.invoice')])
            # a long text is typed in a text entry of the web client
            self.assertEqual(
                sorted((k['name'], k['type']) for k in keys),
                [('lots', 'integer'), ('note', 'char')])
            self.assertEqual(
                Invoice.default_extra_fields(), {'note': None, 'lots': 2})
            self.assertEqual(Party.default_extra_fields(), {'segment': None})
        with set_company(company2):
            self.assertIsNone(Invoice.default_extra_fields())
            self.assertIsNone(Party.default_extra_fields())


    @with_transaction()
    def test_email_templates_per_company(self):
        "Each company sends with its own templates, the shipped by default"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        Invoice = pool.get('account.invoice')
        IrModel = pool.get('ir.model')
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')

        def shipped(xml_id):
            return Template(ModelData.get_id('mentorsig_invoicing', xml_id))
        company1 = create_company()
        company2 = create_company(name="Second Company")
        model, = IrModel.search([('name', '=', 'account.invoice')])
        own, = Template.create([{
                    'model': model.id, 'name': "Own",
                    'subject': "Own ${number}",
                    }])
        with set_company(company2):
            config = Configuration(1)
            config.invoice_email_template = own
            config.save()
        for company, invoice_template in [
                (company1, shipped('email_template_invoice')),
                (company2, own)]:
            with set_company(company):
                self.assertEqual(
                    Configuration(1).invoice_email_template,
                    invoice_template)
                invoice = Invoice(company=company, type='out',
                    mentorsig_kind='invoice', state='posted',
                    total_amount=Decimal('12.00'))
                self.assertEqual(
                    invoice.mentorsig_email_template(), invoice_template)
                self.assertEqual(
                    invoice.mentorsig_email_template('receipt'),
                    shipped('email_template_receipt'))
                invoice.total_amount = Decimal('-12.00')
                self.assertEqual(
                    invoice.mentorsig_email_template(),
                    shipped('email_template_credit_note'))


    @with_transaction()
    def test_email_savepoint(self):
        "A failure in the savepoint undoes its writes only, SQL errors too"
        pool = Pool()
        Party = pool.get('party.party')
        table = Party.__table__()
        cursor = Transaction().connection.cursor()

        def names():
            return {p.name for p in Party.search([])}
        with self.assertRaises(ValueError):
            with savepoint('test'):
                Party.create([{'name': "Undone"}])
                raise ValueError
        kept, = Party.create([{'name': "Kept"}])
        with self.assertRaises(backend.DatabaseIntegrityError):
            with savepoint('test'):
                Party.create([{'name': "Undone too"}])
                # a statement the database refuses: PostgreSQL aborts the
                # transaction until the rollback to the savepoint
                cursor.execute(*table.insert(
                        [table.id, table.name], [[kept.id, "Twice"]]))
        with savepoint('test'):
            Party.create([{'name': "Released"}])
        self.assertEqual(names() & {"Undone", "Undone too", "Twice", "Kept",
                "Released"}, {"Kept", "Released"})


del ModuleTestCase
