# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


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

    @with_transaction()
    def test_extra_fields_as_list_filters_and_columns(self):
        "Each active extra field is an optional column and a filter of lists"
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        Party = pool.get('party.party')
        ViewTreeOptional = pool.get('ir.ui.view_tree_optional')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            ExtraField.create([{
                        'name': 'chantier', 'string': "Chantier",
                        'type_': 'selection', 'target': 'party.party',
                        'selection': "lyon: Lyon\nparis: Paris",
                        }, {
                        'name': 'reference', 'string': "Reference",
                        'type_': 'char', 'target': 'party.party',
                        }, {
                        'name': 'budget', 'string': "Budget",
                        'type_': 'numeric', 'digits': 2,
                        'target': 'party.party',
                        }, {
                        'name': 'old', 'string': "Old", 'type_': 'char',
                        'target': 'party.party', 'active': False,
                        }])
            paris, lyon, empty = Party.create([{
                        'name': "Paris Nord",
                        'extra_fields': {'chantier': 'paris',
                            'reference': "BC-42", 'budget': Decimal('12.50')},
                        }, {
                        'name': "Lyon Sud",
                        'extra_fields': {'chantier': 'lyon',
                            'reference': "bc-7"},
                        }, {
                        'name': "Nothing",
                        }])

            view = Party.fields_view_get(view_type='tree')
            columns = {n: d for n, d in view['fields'].items()
                if n.startswith('extra_fields__')}
            self.assertEqual(sorted(columns), [
                    'extra_fields__budget', 'extra_fields__chantier',
                    'extra_fields__reference'])
            self.assertIn(
                '<field name="extra_fields__chantier" optional="1"/>',
                view['arch'])
            chantier = columns['extra_fields__chantier']
            self.assertEqual(chantier['type'], 'selection')
            self.assertEqual(chantier['string'], "Chantier")
            self.assertEqual(chantier['selection'],
                [(None, ''), ('lyon', 'Lyon'), ('paris', 'Paris')])
            self.assertTrue(chantier['searchable'])
            # numbers stored as JSON are no filter: a range would be wrong
            self.assertFalse(columns['extra_fields__budget']['searchable'])
            # PYSON-encoded, as the host describes its numeric fields
            self.assertEqual(columns['extra_fields__budget']['digits'],
                '[16, 2]')
            # a form view is left as it is
            self.assertNotIn('extra_fields__chantier',
                Party.fields_view_get(view_type='form')['fields'])

            # sao stores the choice of every optional column of the list
            # when its menu closes: an extra field is no field of the model
            # to store it for, the others are stored
            ViewTreeOptional.set_optional(view['view_id'], {
                    'extra_fields__chantier': False, 'name': True})
            self.assertEqual([(o.field, o.value)
                    for o in ViewTreeOptional.search([
                            ('view', '=', view['view_id'])])],
                [('name', True)])

            # sao 8.0's filter builder offers only the fields without a dot
            self.assertEqual(chantier['name'], 'extra_fields__chantier')
            self.assertFalse([n for n in columns if '.' in n])

            # what the web client's search sends, typed and from the filter
            # builder, on the host's Dict keys
            self.assertEqual(Party.search(
                    [('extra_fields__chantier', '=', 'paris')]), [paris])
            self.assertEqual(Party.search(['OR',
                        ('extra_fields__chantier', 'in', ['lyon']),
                        ('name', '=', "Nothing")],
                    order=[('name', 'ASC')]), [lyon, empty])
            self.assertEqual(Party.search(
                    [('extra_fields__reference', 'ilike', '%bc%')],
                    order=[('extra_fields__reference', 'ASC')]),
                [paris, lyon])
            self.assertEqual(Party.search(
                    [('extra_fields__reference', 'ilike', '%bc%')],
                    order=[('extra_fields__reference', 'DESC')]),
                [lyon, paris])
            self.assertEqual(Party.search_count(
                    [('extra_fields__chantier', '!=', None)]), 2)
            self.assertEqual(Party.search_read(
                    [('extra_fields__chantier', '=', 'lyon')],
                    fields_names=['extra_fields__reference']),
                [{'id': lyon.id, 'extra_fields__reference': "bc-7"}])
            # the host's own Dict key domain is still the API's
            self.assertEqual(Party.search(
                    [('extra_fields.chantier', '=', 'paris')]), [paris])
            rows = Party.read([paris.id, lyon.id, empty.id], [
                    'name', 'extra_fields__chantier',
                    'extra_fields__chantier:string', 'extra_fields__budget'])
            self.assertEqual(
                [(r['extra_fields__chantier'],
                        r['extra_fields__chantier:string'],
                        r['extra_fields__budget']) for r in rows],
                [('paris', 'Paris', Decimal('12.50')),
                    ('lyon', 'Lyon', None), (None, '', None)])
            self.assertNotIn('extra_fields', rows[0])
            # the columns come back in on_change calls and defaults: ignored
            record = Party(name="New", **{'extra_fields__chantier': 'lyon'})
            self.assertEqual(record.name, "New")
            self.assertNotIn('extra_fields__chantier',
                Party.default_get(['name', 'extra_fields__chantier']))

            # sao's CSV export dialog describes the model with the full
            # fields_get and pre-selects every column of the list
            described = Party.fields_get()
            self.assertTrue(described['extra_fields__chantier']['readonly'])
            self.assertEqual(
                described['extra_fields__budget']['string'], "Budget")
            self.assertNotIn('extra_fields__old', described)
            self.assertEqual(Party.export_data([paris, lyon, empty], [
                        'name', 'extra_fields__chantier.translated',
                        'extra_fields__chantier', 'extra_fields__budget',
                        'extra_fields__reference'], header=True), [
                    ['Name', 'Chantier (string)', 'Chantier', 'Budget',
                        'Reference'],
                    ["Paris Nord", 'Paris', 'paris', Decimal('12.50'),
                        "BC-42"],
                    ["Lyon Sud", 'Lyon', 'lyon', '', "bc-7"],
                    ["Nothing", '', '', '', '']])
            self.assertEqual(Party.export_data_domain(
                    [('extra_fields__chantier', '=', 'lyon')],
                    ['extra_fields__reference']), [["bc-7"]])
            # the host's defaults with all the names the client holds
            defaults = Party.default_get(list(described), with_rec_name=False)
            self.assertEqual(defaults['extra_fields'],
                {'chantier': None, 'reference': None, 'budget': None})
            self.assertFalse([n for n in defaults if n.startswith('extra_')
                    and n != 'extra_fields'])
            for names in [['extra_fields__old'], ['addresses/extra_fields__x'],
                    ['name/extra_fields__chantier']]:
                with self.assertRaises(KeyError):
                    Party.export_data([paris], names)
        with set_company(create_company(name="Other")):
            view = Party.fields_view_get(view_type='tree')
            self.assertFalse([n for n in view['fields']
                    if n.startswith('extra_fields__')])
        # a user of another company naming this one in the context (the
        # host describes a relation's model without the record rules in a
        # wizard's form) gets no column of it
        other = create_company(name="Third")
        user, = User.create([{'login': 'other', 'name': "Other",
                    'companies': [('add', [other.id])],
                    'company': other.id}])
        with Transaction().set_user(user.id), \
                Transaction().set_context(company=company.id):
            self.assertFalse([n for n in Party.fields_get()
                    if n.startswith('extra_fields__')])
        with Transaction().set_context(company=company.id):
            self.assertIn('extra_fields__chantier', Party.fields_get())


del ModuleTestCase
