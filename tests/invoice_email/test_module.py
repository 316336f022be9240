# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.transaction import Transaction

from mentorsig_invoice_email.invoice import savepoint
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MentorsigInvoiceEmailTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Invoice Email module"
    module = 'mentorsig_invoice_email'
    extras = extras_for(module)

    @property
    def _skip_company_rule(self):
        # The shared templates have no company: the rule reads them too
        # (['OR', company = None, company in companies], ir.xml)
        return super()._skip_company_rule | {
            ('ir.email.template', 'company')}

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
            return Template(ModelData.get_id('mentorsig_invoice_email', xml_id))
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
