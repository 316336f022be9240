# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class MentorsigExtraFieldTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Extra Field module"
    module = 'mentorsig_extra_field'
    extras = extras_for(module)

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
            # a long text is typed in a text entry of the web client; an
            # archived field still describes the values records hold
            self.assertEqual(
                sorted((k['name'], k['type']) for k in keys),
                [('lots', 'integer'), ('note', 'char'), ('old', 'char')])
            self.assertEqual(
                Invoice.default_extra_fields(), {'note': None, 'lots': 2})
            self.assertEqual(Party.default_extra_fields(), {'segment': None})
        with set_company(company2):
            self.assertIsNone(Invoice.default_extra_fields())
            self.assertIsNone(Party.default_extra_fields())


del ModuleTestCase
