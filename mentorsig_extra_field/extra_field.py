# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Extra fields defined by an administrator, without code.

The host's ``fields.Dict`` stores the values and ``DictSchemaMixin`` gives
the web client its widgets; MentorSiG adds what the host lacks: definitions
per company and per target model, required fields (checked when posting),
default values, validation of the values by type, and definitions that can
change without losing values (archived keys are kept on write, a type
change is refused while values would not fit, a deletion needs a
confirmation counting the records that hold a value).
"""
from sql import Cast

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, DictSchemaMixin, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.model.fields.field import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, inactive_records

from mentorsig_invoicing.access import check_records

from . import extra_field_rules as rules
from .columns import ExtraFieldColumnsMixin
from .exceptions import (
    ExtraFieldDefinitionError, ExtraFieldDeleteWarning, ExtraFieldValueError)

TYPES = [
    ('char', "Text"),
    ('text', "Long Text"),
    ('integer', "Integer"),
    ('numeric', "Decimal"),
    ('date', "Date"),
    ('datetime', "Date and Time"),
    ('boolean', "Checkbox"),
    ('selection', "Dropdown"),
    ('multiselection', "Multiple Choice"),
    ]
TARGETS = [
    ('account.invoice', "Invoice"),
    ('account.invoice.line', "Invoice Line"),
    ('party.party', "Party"),
    ('product.template', "Product"),
    ('sale.sale', "Sale"),
    ('sale.line', "Sale Line"),
    ]
# Targets with a company column: the others (parties, products) are shared
# by the companies of the database
COMPANY_TARGETS = {
    'account.invoice', 'account.invoice.line', 'sale.sale'}


class ExtraField(
        DeactivableMixin, sequence_ordered(), DictSchemaMixin, ModelSQL,
        ModelView):
    __name__ = 'mentorsig.extra_field'
    __string__ = "Extra Field"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    target = fields.Selection(TARGETS, "Target", required=True,
        states={
            'readonly': Eval('id', -1) >= 0,
            },
        help="The form on which the field is filled.")
    required = fields.Boolean(
        "Required",
        help="An invoice cannot be posted while the field is empty "
        "(on the invoice, its lines, its customer or its products).")
    default_value = fields.Char(
        "Default Value",
        help="Filled on new records. Dates as 2026-12-31, date-times as "
        "2026-12-31 14:30, checkboxes as yes or no, multiple choices as "
        "keys separated by commas.")
    print_on_documents = fields.Boolean(
        "Print on Documents",
        help="Print the label and value on the PDF of the invoice.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('name_target_company_unique',
                Unique(t, t.company, t.target, t.name),
                'mentorsig_extra_field.msg_extra_field_name_unique'),
            ]
        cls._order.insert(0, ('target', 'ASC'))
        # Model.__setup__ keeps the mixin's definition of a field, so
        # change it here: no color nor float, a long text
        cls.type_.selection = TYPES[:]
        cls.name.states = {
            'readonly': Eval('id', -1) >= 0,
            }
        cls.name.help = (
            "Technical name: lowercase letters, digits and underscores, "
            "starting with a letter, unique per target; used in searches "
            "such as extra_fields.<name>.")
        cls.digits.states = {
            'invisible': Eval('type_') != 'numeric',
            }
        cls.selection.states = {
            'invisible': ~Eval('type_').in_(['selection', 'multiselection']),
            'required': Eval('type_').in_(['selection', 'multiselection']),
            }

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_target(cls):
        return 'account.invoice'

    @classmethod
    def default_type_(cls):
        return 'char'

    @classmethod
    def default_required(cls):
        return False

    @classmethod
    def default_print_on_documents(cls):
        return False

    @classmethod
    def default_selection_sorted(cls):
        return False

    @property
    def options(self):
        return rules.parse_options(self.selection)

    @property
    def default(self):
        "The default value typed"
        try:
            return rules.parse_default(
                self.type_, self.default_value, self.options, self.digits)
        except ValueError:
            return None

    def check_value(self, value):
        return rules.check_value(
            self.type_, value, self.options,
            self.digits if self.type_ == 'numeric' else None)

    @classmethod
    def get_keys(cls, records):
        if Transaction().check_access:
            # the client names the definitions: those of its companies only
            check_records(records)
        keys = super().get_keys(records)
        for key in keys:
            key['type'] = rules.CLIENT_TYPES.get(key['type'], key['type'])
            if key['sequence'] is None:
                # numbered fields first, as on the text and documents
                key['sequence'] = 2 ** 31
        return keys

    # search_get_keys is the host's: it gives archived fields too, which the
    # web client needs to show the values a record still holds (without
    # them a record with such a value stayed "modified" for ever); the
    # "Add" dialog searches active fields only

    @classmethod
    def definitions(cls, target, company):
        "Return the active definitions of the target for the company"
        if not company:
            return []
        return cls.search([
                ('target', '=', target),
                ('company', '=', int(company)),
                ])

    @classmethod
    def all_definitions(cls, target, company):
        "Return every definition (archived included) by name"
        if not company:
            return {}
        return cls.all_definitions_of(target, [company])[int(company)]

    @classmethod
    def all_definitions_of(cls, target, companies):
        """Return every definition (archived included) by name, per company
        id, in one query for all the companies"""
        companies = {int(c) for c in companies if c}
        result = {c: {} for c in companies}
        if companies:
            with inactive_records():
                for definition in cls.search([
                            ('target', '=', target),
                            ('company', 'in', sorted(companies)),
                            ]):
                    result[definition.company.id][definition.name] = (
                        definition)
        return result

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            error = rules.check_name(record.name)
            if error:
                raise ExtraFieldDefinitionError(gettext(
                        'mentorsig_extra_field.msg_extra_field_' + error,
                        name=record.name, maximum=rules.NAME_MAX))
            error = rules.check_options(record.type_, record.options)
            if error:
                raise ExtraFieldDefinitionError(gettext(
                        'mentorsig_extra_field.msg_extra_field_' + error,
                        field=record.rec_name))
            if record.default_value:
                try:
                    rules.parse_default(
                        record.type_, record.default_value, record.options,
                        record.digits if record.type_ == 'numeric' else None)
                except ValueError:
                    raise ExtraFieldDefinitionError(gettext(
                            'mentorsig_extra_field.msg_extra_field_default',
                            field=record.rec_name,
                            value=record.default_value))

    def _stored_values(self):
        "Return the list of the value dicts stored on the target records"
        pool = Pool()
        Target = pool.get(self.target)
        domain = [('extra_fields', '!=', None)]
        if self.target in COMPANY_TARGETS:
            domain.append(('company', '=', self.company.id))
        with inactive_records():
            rows = Target.search_read(domain, fields_names=['extra_fields'])
        return [r['extra_fields'] for r in rows]

    def count_holding(self):
        "Return how many records hold a value for the field"
        return rules.count_holding(self._stored_values(), self.name)

    def count_incompatible(self):
        "Return how many records hold a value that does not fit the field"
        return rules.count_incompatible(
            self._stored_values(), self.name, self.type_, self.options,
            self.digits if self.type_ == 'numeric' else None)

    @classmethod
    def _check_stored_values(cls, records):
        for record in records:
            count = record.count_incompatible()
            if count:
                raise ExtraFieldDefinitionError(gettext(
                        'mentorsig_extra_field.msg_extra_field_incompatible',
                        field=record.rec_name, count=count))

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        # Values kept from a deleted field of the same name must fit
        cls._check_stored_values(records)
        return records

    @classmethod
    def write(cls, *args):
        to_check = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if values.keys() & {'type_', 'selection', 'digits'}:
                to_check.extend(records)
            if values.keys() & {'name', 'target', 'company'}:
                for record in records:
                    changed = any(
                        values[f] != (
                            getattr(record, f).id if f == 'company'
                            else getattr(record, f))
                        for f in values.keys() & {
                            'name', 'target', 'company'})
                    count = changed and record.count_holding()
                    if count:
                        raise ExtraFieldDefinitionError(gettext(
                                'mentorsig_extra_field.msg_extra_field_rename',
                                field=record.rec_name, count=count))
        super().write(*args)
        cls._check_stored_values(cls.browse(to_check))

    @classmethod
    def delete(cls, records):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for record in records:
            count = record.count_holding()
            if count:
                key = Warning.format('mentorsig_extra_field_delete', [record])
                if Warning.check(key):
                    raise ExtraFieldDeleteWarning(key, gettext(
                            'mentorsig_extra_field.msg_extra_field_delete',
                            field=record.rec_name, count=count))
        super().delete(records)


class ExtraFieldsMixin(ExtraFieldColumnsMixin):
    """Add the extra fields of the company to a model, as a Dict and as
    filters and columns of its lists (see columns.py)"""
    __slots__ = ()

    extra_fields = fields.Dict(
        'mentorsig.extra_field', "Extra Fields",
        help="The fields added by the administrator of the company.")
    extra_fields_text = fields.Function(fields.Text(
            "Extra Fields (Text)",
            help="The extra fields as text, to export or search in."),
        'get_extra_fields_text', searcher='search_extra_fields_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.domain = [
            ('target', '=', cls._extra_fields_target()),
            ('company', '=', cls._extra_fields_company_pyson()),
            ]

    @classmethod
    def _extra_fields_target(cls):
        "The target of the definitions of the model's values"
        return cls.__name__

    @classmethod
    def _extra_fields_company_pyson(cls):
        return Eval('context', {}).get('company', -1)

    def _extra_fields_company(self):
        return Transaction().context.get('company')

    @classmethod
    def default_extra_fields(cls):
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        company = Transaction().context.get('company')
        values = {
            d.name: d.default
            for d in ExtraField.definitions(
                cls._extra_fields_target(), company)}
        return values or None

    def _extra_fields_definitions(self):
        "Return all definitions (archived included) by name"
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        return ExtraField.all_definitions(
            self._extra_fields_target(), self._extra_fields_company())

    @classmethod
    def _extra_fields_definitions_of(cls, records):
        """Return the definitions by name of each record (as
        _extra_fields_definitions), read in one query"""
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        companies = [r._extra_fields_company() for r in records]
        definitions = ExtraField.all_definitions_of(
            cls._extra_fields_target(), companies)
        return [definitions.get(int(c), {}) if c else {} for c in companies]

    def extra_fields_display(self, printable=False):
        """Return the [(label, formatted value)] of the filled active
        fields in order"""
        definitions = self._extra_fields_definitions()
        values = self.extra_fields or {}
        result = []
        for definition in sorted(
                (d for d in definitions.values() if d.active),
                key=lambda d: (d.sequence is None, d.sequence or 0,
                    d.name)):
            if printable and not definition.print_on_documents:
                continue
            value = values.get(definition.name)
            if rules.is_empty(value):
                continue
            result.append((definition.string, definition.format(value)))
        return result

    def get_extra_fields_text(self, name):
        return '\n'.join(
            '%s: %s' % item for item in self.extra_fields_display()) or None

    @classmethod
    def search_extra_fields_text(cls, name, clause):
        # A plain search in the stored JSON (all keys) for the search bar of
        # the web client, which cannot search inside a Dict key. The Dict
        # field itself would quote the value as JSON and match on SQLite
        # only, so compare the text of the column on both backends.
        _, operator, value = clause[:3]
        table = cls.__table__()
        database = Transaction().database
        column = Cast(table.extra_fields, database.sql_type('VARCHAR').base)
        Operator = SQL_OPERATORS[operator]
        if operator.endswith('in'):
            return [('id', '=', None)] if value else []
        query = table.select(table.id, where=Operator(column, value))
        return [('id', 'in', query)]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if 'extra_fields' in field_names:
            cls.check_extra_fields(records)

    @classmethod
    def check_extra_fields(cls, records):
        "Check that the values fit the type of their definition"
        records = [r for r in records if r.extra_fields]
        for record, definitions in zip(
                records, cls._extra_fields_definitions_of(records)):
            for name, value in record.extra_fields.items():
                definition = definitions.get(name)
                if not definition:
                    # kept from a deleted field
                    continue
                error = definition.check_value(value)
                if error:
                    raise ExtraFieldValueError(gettext(
                            'mentorsig_extra_field.msg_extra_field_value_'
                            + error,
                            field=definition.string,
                            value=definition.format(value)
                            if error != 'wrong_type' else value,
                            record=record.rec_name,
                            digits=definition.digits))

    @classmethod
    def write(cls, *args):
        # The web client sends only the keys it shows: keep the values of
        # archived fields and of deleted fields
        new_args = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'extra_fields' not in values:
                new_args.extend((records, values))
                continue
            unchanged = []
            for record, definitions in zip(
                    records, cls._extra_fields_definitions_of(records)):
                stored = record.extra_fields or {}
                active = {
                    name for name, d in definitions.items() if d.active}
                hidden = {
                    k: v for k, v in stored.items() if k not in active}
                if hidden:
                    new_values = values.copy()
                    new_values['extra_fields'] = {
                        **hidden, **(values['extra_fields'] or {})}
                    new_args.extend(([record], new_values))
                else:
                    unchanged.append(record)
            if unchanged:
                new_args.extend((unchanged, values))
        super().write(*new_args)


class CompanyExtraFieldsMixin(ExtraFieldsMixin):
    "Extra fields of a model with a company field"
    __slots__ = ()

    @classmethod
    def _extra_fields_company_pyson(cls):
        return Eval('company', -1)

    def _extra_fields_company(self):
        company = getattr(self, 'company', None)
        if company:
            return company.id
        return super()._extra_fields_company()


def carried_extra_fields(source, target_model):
    """Return the default extra fields of target_model completed with the
    values of source for the fields both define"""
    pool = Pool()
    ExtraField = pool.get('mentorsig.extra_field')
    Target = pool.get(target_model)
    company = source._extra_fields_company()
    with Transaction().set_context(company=company):
        values = dict(Target.default_extra_fields() or {})
    names = {d.name for d in ExtraField.definitions(target_model, company)}
    for name, value in (source.extra_fields or {}).items():
        if name in names and not rules.is_empty(value):
            values[name] = value
    return {k: v for k, v in values.items() if v is not None} or None
