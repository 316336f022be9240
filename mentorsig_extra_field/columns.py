# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Extra fields as filters and columns of the lists.

The web client builds its search (typed ``Chantier: Paris`` and the filter
builder) from the fields of the model's tree view, and a Dict key is no
field: the host offers no way to search one from a list.  Each active
extra field of the user's company is therefore described as a field named
``extra_fields__<name>`` in the tree views (an optional column, hidden until
the user shows it), read from the Dict, and searched and sorted by the
host's own Dict key domain (``('extra_fields.chantier', 'ilike', ...)``),
to which the domains and orders the client sends are translated.

The full description of the model (``fields_get`` without names) lists
them too, as read-only fields: sao's CSV export dialog builds its list of
fields from it and pre-selects every column of the list, and the import
dialog leaves read-only fields out.  ``export_data`` gives their values
(the labels for ``.translated``), at the top level or through relations
(``lines/extra_fields__x``), by exporting the ``id`` of the record
holding them in their place and reading its Dict.

The name has no dot because sao 8.0's filter builder (``search_box``)
leaves out every field whose name contains one; no real field of these
models starts with ``extra_fields__``.

Only the types whose JSON value compares as the value itself are filters
and sortable: texts, choices and checkboxes.  Numbers, amounts and dates
are stored as JSON objects or numbers that SQLite compares as text, so a
range on them would give wrong rows; they are columns only.
"""
import csv
from io import StringIO

from lxml import etree

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

PREFIX = 'extra_fields__'
DICT_PREFIX = 'extra_fields.'
TRANSLATED = '.translated'
SEARCHABLE_TYPES = {'char', 'text', 'selection', 'multiselection', 'boolean'}


def dict_key_name(name):
    """The host's Dict key path of a column name (``extra_fields__x`` →
    ``extra_fields.x``), other names unchanged"""
    if isinstance(name, str) and name.startswith(PREFIX):
        return DICT_PREFIX + name[len(PREFIX):]
    return name


def dict_key_domain(domain):
    "The domain with the clauses on columns on the Dict keys instead"
    if is_leaf(domain):
        name = dict_key_name(domain[0])
        if name is domain[0]:
            return domain
        return type(domain)((name,) + tuple(domain[1:]))
    if isinstance(domain, (list, tuple)):
        return type(domain)(dict_key_domain(d) for d in domain)
    return domain


def dict_key_order(order):
    "The order with the columns sorted by the Dict keys instead"
    if not order:
        return order
    return [(dict_key_name(oexpr),) + tuple(rest)
        for oexpr, *rest in order]


def export_column(path):
    """The column name and whether its label is asked of the last name of
    an export path split on ``/``, or None for a path of the host"""
    if not path:
        return None
    name = path[-1]
    translated = name.endswith(TRANSLATED)
    if translated:
        name = name[:-len(TRANSLATED)]
    if not name.startswith(PREFIX) or '.' in name or ':' in name:
        return None
    return name, translated


def export_value(value):
    "A value as the host exports it (empty for None, lists comma-joined)"
    if value is None:
        return ''
    if isinstance(value, (list, tuple)):
        output = StringIO()
        csv.writer(output, delimiter=',', quoting=csv.QUOTE_NONE,
            escapechar='\\').writerow(value)
        return output.getvalue().strip()
    return value


def _field_of(definition):
    "A field object describing an extra field definition to the client"
    type_ = definition.type_
    if type_ == 'char':
        field = fields.Char(definition.string)
    elif type_ == 'text':
        field = fields.Text(definition.string)
    elif type_ == 'integer':
        field = fields.Integer(definition.string)
    elif type_ == 'numeric':
        field = fields.Numeric(
            definition.string, digits=(16, definition.digits or 2))
    elif type_ == 'date':
        field = fields.Date(definition.string)
    elif type_ == 'datetime':
        field = fields.DateTime(definition.string)
    elif type_ == 'boolean':
        field = fields.Boolean(definition.string)
    elif type_ == 'selection':
        field = fields.Selection(
            [(None, '')] + definition.options, definition.string,
            sort=False)
    elif type_ == 'multiselection':
        field = fields.MultiSelection(
            definition.options, definition.string, sort=False)
    else:
        return None
    field.name = PREFIX + definition.name
    field.readonly = True
    return field


class ExtraFieldColumnsMixin:
    "The extra fields of the user's company in the tree views of a model"
    __slots__ = ()

    @classmethod
    def _extra_field_columns(cls):
        """Return the client descriptions by name of the active extra
        fields of the user's company, if the user may read them"""
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        User = pool.get('res.user')
        transaction = Transaction()
        company = transaction.context.get('company')
        if not company or 'extra_fields' not in cls.fields_get(
                ['extra_fields']):
            return {}
        # the full description of a relation's model in a wizard's form
        # is built without the record rules: a company of the context is
        # the user's or gives nothing
        if transaction.user and int(company) not in User.get_companies():
            return {}
        language = Transaction().language
        columns = {}
        for definition in ExtraField.definitions(
                cls._extra_fields_target(), company):
            field = _field_of(definition)
            if field is None:
                continue
            description = field.definition(cls, language)
            description['string'] = definition.string
            description['help'] = ''
            searchable = definition.type_ in SEARCHABLE_TYPES
            description['searchable'] = searchable
            description['sortable'] = searchable
            description['create'] = description['delete'] = False
            columns[field.name] = description
        return columns

    @classmethod
    def fields_view_get(cls, view_id=None, view_type='form', level=None):
        result = super().fields_view_get(
            view_id=view_id, view_type=view_type, level=level)
        if view_type != 'tree':
            return result
        columns = cls._extra_field_columns()
        if not columns:
            return result
        # the host's result is its cache's (read-only): copy what changes
        result = dict(result)
        result['fields'] = dict(result['fields'])
        tree = etree.fromstring(result['arch'])
        for name, description in columns.items():
            if name in result['fields']:
                continue
            # hidden until the user shows it from the list's menu (the
            # choice lasts as long as the client's session, see
            # ViewTreeOptional)
            etree.SubElement(tree, 'field', name=name, optional='1')
            result['fields'][name] = description
        result['arch'] = etree.tostring(tree, encoding='unicode')
        return result

    @classmethod
    def fields_get(cls, fields_names=None, level=0):
        definitions = super().fields_get(
            fields_names=fields_names, level=level)
        if not fields_names:
            # the whole model, as the export dialog and proteus ask it
            definitions.update(cls._extra_field_columns())
        elif wanted := [n for n in fields_names if n.startswith(PREFIX)]:
            columns = cls._extra_field_columns()
            definitions.update(
                {n: columns[n] for n in wanted if n in columns})
        return definitions

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        paths = [n.split('/') for n in fields_names]
        columns = {i: c for i, p in enumerate(paths)
            if (c := export_column(p))}
        if not columns:
            return super().export_data(records, fields_names, header=header)
        # the host exports the id of the record holding the column
        names = list(fields_names)
        targets = {}
        for i, (name, _) in columns.items():
            prefix = paths[i][:-1]
            names[i] = '/'.join(prefix + ['id'])
            targets[i] = Model = cls._export_target(prefix)
            # an unknown name fails as the host fails on one
            if name not in Model._extra_field_columns():
                raise KeyError(name)
        data = super().export_data(records, names, header=header)
        rows = data[1:] if header else data
        if header:
            for i, (name, translated) in columns.items():
                label = targets[i]._extra_field_columns()[name]['string']
                if translated:
                    label = gettext('ir.msg_field_string', field=label)
                prefix = paths[i][:-1]
                if prefix:
                    label = cls._convert_field_names([prefix])[0] + '/' + label
                data[0][i] = label
        by_model = {}
        for i, (name, translated) in columns.items():
            by_model.setdefault(targets[i], set()).add(
                name + ':string' if translated else name)
        values = {}
        for Model, names_ in by_model.items():
            ids = {row[i] for row in rows for i in columns
                if targets[i] is Model and isinstance(row[i], int)}
            if ids:
                values[Model] = {r['id']: r
                    for r in Model.read(list(ids), sorted(names_))}
        for row in rows:
            for i, (name, translated) in columns.items():
                if not isinstance(row[i], int):
                    continue
                value = values[targets[i]][row[i]].get(
                    name + ':string' if translated else name)
                row[i] = export_value(value)
        return data

    @classmethod
    def _export_target(cls, prefix):
        "The model at the end of the relations of an export path"
        Model = cls
        for name in prefix:
            field = Model._fields[name]
            if not hasattr(field, 'get_target'):
                raise KeyError(name)
            Model = field.get_target()
        if not hasattr(Model, '_extra_field_columns'):
            raise KeyError(PREFIX)
        return Model

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            **kwargs):
        # before the host checks the names of the domain and the order
        return super().search(dict_key_domain(domain), offset=offset,
            limit=limit, order=dict_key_order(order), count=count, **kwargs)

    @classmethod
    def search_domain(cls, domain, active_test=None, tables=None):
        return super().search_domain(dict_key_domain(domain),
            active_test=active_test, tables=tables)

    @classmethod
    def read(cls, ids, fields_names):
        extra = [n for n in fields_names if n.startswith(PREFIX)]
        if not extra:
            return super().read(ids, fields_names)
        names = [n for n in fields_names if not n.startswith(PREFIX)]
        added = 'extra_fields' not in names
        if added:
            names.append('extra_fields')
        rows = super().read(ids, names)
        labels = {}
        if any(n.endswith(':string') for n in extra):
            labels = {n: dict(d.get('selection') or [])
                for n, d in cls._extra_field_columns().items()}
        for row in rows:
            values = row['extra_fields'] or {}
            for name in extra:
                if name.endswith(':string'):
                    column = name[:-len(':string')]
                    value = values.get(column[len(PREFIX):])
                    options = labels.get(column, {})
                    if isinstance(value, (list, tuple)):
                        row[name] = [options.get(v, v) for v in value]
                    else:
                        row[name] = options.get(value, value)
                else:
                    row[name] = values.get(name[len(PREFIX):])
            if added:
                del row['extra_fields']
        return rows

    def __init__(self, id=None, **kwargs):
        # the web client sends the columns back in its on_change and
        # validation calls: they are read from the Dict, never set
        for name in [n for n in kwargs if n.startswith(PREFIX)]:
            del kwargs[name]
        super().__init__(id, **kwargs)

    @classmethod
    def default_get(
            cls, fields_names=None, with_rec_name=True, with_default=True):
        if fields_names:
            fields_names = [
                n for n in fields_names if not n.startswith(PREFIX)]
        return super().default_get(fields_names,
            with_rec_name=with_rec_name, with_default=with_default)


class ViewTreeOptional(metaclass=PoolMeta):
    __name__ = 'ir.ui.view_tree_optional'

    @classmethod
    def set_optional(cls, view_id, fields):
        """Store the user's choice of the view's own optional columns

        A choice names a field of the model (``field_ref``, required, is a
        foreign key to ``ir.model.field``): the extra field columns cannot
        be stored, and sao sends them with the others each time its list
        menu closes.  They are left out, so the others are still stored;
        sao keeps them shown until the client is reloaded."""
        fields = {n: v for n, v in fields.items()
            if not n.startswith(PREFIX)}
        super().set_optional(view_id, fields)
