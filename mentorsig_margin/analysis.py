# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Margin analysis: SQL reporting models over posted customer invoice lines.

The host's pattern (`sale.reporting`): one `table_query` model per axis,
grouped in SQL, filtered by a context model (company, dates, kind, period).
Revenue, cost and margin are those frozen at posting in the company
currency (invoice.py): the axes of the invoice (customer, sales rep, time)
sum one row per posted invoice, those of the line (product, category) one
row per posted line, each a GROUP BY over one table; the host's reporting
joins its documents and converts every row, 5 to 8 s on a million lines.
The revenue of lines whose cost is unknown counts in `revenue` but not in
the margin nor its rate.

The id of a row is its key (dimension and period, `ID_SPAN`): a read of a
few rows, as the web client reads its list by 100, sums only the documents
of their keys instead of the whole query; `search_read` of plain columns
runs one query and builds its rows from one description of the columns.
The access of the models and fields and the company rules apply to both.
`bench/bench_margin.py` times them on a million lines (README, Benchmarks:
on PostgreSQL, idle 2 cores, 0.38 s by customer x month and 0.57 s by
product through `search_read`, 0.88 s and 1.44 s as the web client).
"""
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Cast, Column, Literal, Null, Select
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import Extract, Round, ToChar
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.modelsql import convert_from
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from .exceptions import MarginAnalysisError
from .line import RATE_DIGITS

BROWSE_CHUNK = 100
# The id of a row is its key: the id of its dimension (0 when empty) times
# ID_SPAN plus its period's first month as YYYYMM (1 without period), so
# that a read of a few rows sums only the documents of their keys
ID_SPAN = 10 ** 6
# A read of more rows than this sums every document
READ_KEYS_LIMIT = 1000
PERIOD_MONTHS = {'year': 12, 'quarter': 3, 'month': 1}


def row_keys(ids):
    """The dimensions (None for an empty one) and the periods' first months
    as (year, month) of the rows of ids"""
    dimensions, months = set(), set()
    for id_ in ids:
        dimension, period = divmod(int(id_), ID_SPAN)
        dimensions.add(dimension or None)
        months.add(divmod(period, 100))
    return dimensions, months


def months_range(months, period):
    """The dates from the first month of months to the end of the period of
    the last one, None when a month is not one"""
    if not months or any(
            not (1 <= y <= 9999 and 1 <= m <= 12) for y, m in months):
        return None
    start = dt.date(*min(months), 1)
    end = dt.date(*max(months), 1) + relativedelta(
        months=PERIOD_MONTHS.get(period, 1))
    return start, end


PERIODS = [
    ('year', "Year"),
    ('quarter', "Quarter"),
    ('month', "Month"),
    ]


class Context(ModelView):
    __name__ = 'mentorsig.margin.context'
    __string__ = "Margin Analysis Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    period = fields.Selection(PERIODS, "Period", required=True)
    kind = fields.Selection([
            (None, ""),
            ('invoice', "Invoice"),
            ('deposit', "Deposit Invoice"),
            ('credit_note', "Credit Note"),
            ], "Kind",
        help="Only the invoices of this kind.\nLeave empty for all.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return Date.today() - relativedelta(years=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return Date.today()

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period', 'month')


class Abstract(ModelSQL, ModelView):
    company = fields.Many2One('company.company', "Company")
    currency = fields.Many2One('currency.currency', "Currency")
    number = fields.Integer("Invoices", help="The number of invoices.")
    revenue = Monetary(
        "Revenue", currency='currency', digits='currency',
        help="The untaxed amount sold, in the company currency.")
    cost = Monetary(
        "Cost", currency='currency', digits='currency',
        help="The cost of the lines whose cost is known.")
    margin = Monetary(
        "Margin", currency='currency', digits='currency',
        help="The margin of the lines whose cost is known.")
    margin_rate = fields.Numeric(
        "Margin Rate", digits=RATE_DIGITS,
        help="The margin on the revenue of the lines whose cost is known.")
    unknown_revenue = Monetary(
        "Revenue without Cost", currency='currency', digits='currency',
        help="The revenue of the lines whose cost is unknown.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('revenue', 'DESC'), ('id', 'ASC')]

    @classmethod
    def browse(cls, ids):
        # The host's ModelStorage.__init__ asserts that the id of each
        # record is in the list browsed and that every id of the list is an
        # int: quadratic, 11 s for the 12,200 rows of a customer x month
        # analysis (still 1.5 s by chunks of 1000). Chunks of a batch of
        # the web client's reads (100 rows) keep the prefetching.
        ids = list(map(int, ids))
        records = []
        for i in range(0, len(ids), BROWSE_CHUNK):
            records.extend(super().browse(ids[i:i + BROWSE_CHUNK]))
        return records

    @classmethod
    def read(cls, ids, fields_names):
        # The rows read are computed from the documents of their keys only
        # (the web client reads the rows of its list by 100, each read
        # would sum every document again)
        ids = list(map(int, ids))
        keys = ids if len(ids) <= READ_KEYS_LIMIT else None
        with Transaction().set_context(_mentorsig_margin_ids=keys):
            if set(fields_names) <= cls._plain_fields():
                rows = cls._read_plain(ids, list(dict.fromkeys(fields_names)))
                if rows is not None:
                    return rows
            return super().read(ids, fields_names)

    @classmethod
    def _plain_fields(cls):
        "The names of the fields that are columns of the query"
        return {n for n, f in cls._fields.items()
            if not hasattr(f, 'get') and f.sql_type()
            and n not in {'create_uid', 'create_date', 'write_uid',
                'write_date'}}

    @classmethod
    def _read_plain(cls, ids, fields_names):
        """Read columns of the query in one query, the rows built with one
        description of the columns (the host's cursor_dict asks the driver
        for it on each row: 70 % of a read of 12,200 rows); None when a row
        is missing, for the host's read to tell which and why"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        # the access of the model and of its fields
        ids, fields_names = cls._before_read(ids, fields_names)
        if not ids:
            return cls._after_read([])
        table = cls.__table__()
        tables = {None: (table, None)}
        columns = [table.id.as_('id')]
        for name in fields_names:
            if name == 'id':
                continue
            field = cls._fields[name]
            column = field.sql_column(tables, cls).as_(name)
            if backend.name == 'sqlite':
                column.output_name += ' [%s]' % field.sql_type().base
            columns.append(column)
        where = fields.SQL_OPERATORS['in'](table.id, ids)
        # the record rules (the user's companies)
        domain = Rule.domain_get(cls.__name__, mode='read')
        if domain:
            tables, expression = cls.search_domain(
                domain, active_test=False, tables=tables)
            where &= expression
        cursor = Transaction().connection.cursor()
        cursor.execute(*convert_from(None, tables).select(
                *columns, where=where))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor]
        if len(rows) != len(set(ids)):
            return None
        return cls._after_read(rows)

    @classmethod
    def search_read(cls, domain, offset=0, limit=None, order=None,
            fields_names=None):
        # One query: the host's search then read would sum the documents
        # twice (the read of every row is not narrowed to their keys)
        names = list(dict.fromkeys(['id'] + list(fields_names or [])))
        if set(names) <= cls._plain_fields():
            # the access of the model and of its fields, as read checks
            cls._before_read([], names)
            select = cls.search(domain, offset=offset, limit=limit,
                order=order, query=True)
            table = select.columns[0].expression.table
            if isinstance(table, Select):
                columns = []
                for name in names:
                    column = Column(table, name).as_(name)
                    if backend.name == 'sqlite':
                        column.output_name += (
                            ' [%s]' % cls._fields[name].sql_type().base)
                    columns.append(column)
                select.columns = columns
                cursor = Transaction().connection.cursor()
                cursor.execute(*select)
                keys = [d[0] for d in cursor.description]
                return cls._after_read([dict(zip(keys, r)) for r in cursor])
        return super().search_read(domain, offset=offset, limit=limit,
            order=order, fields_names=fields_names)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        # Only the ids: the host's search also fetches every column of
        # every row for its cache, and its cursor_dict asks the driver for
        # the description of the columns again for each row (2 s for the
        # 12,200 rows of a customer x month analysis); the rows are read
        # by read, as the web client does
        select = super().search(domain, offset=offset, limit=limit,
            order=order, query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        return cls.browse([i for i, in cursor])

    @classmethod
    def table_query(cls):
        from_item, tables = cls._joins()
        return from_item.select(
            *cls._columns(tables),
            where=cls._where(tables),
            group_by=cls._group_by(tables))

    @classmethod
    def _joins(cls):
        """The posted customer invoices, one row each, with the totals
        frozen at posting in the company currency"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        tables = {'invoice': Invoice.__table__()}
        return cls._join_currency(tables['invoice'], tables), tables

    @classmethod
    def _join_currency(cls, from_item, tables):
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        tables['company'] = company = Company.__table__()
        tables['currency'] = currency = Currency.__table__()
        return (from_item
            .join(company, condition=cls._company(tables) == company.id)
            .join(currency, condition=company.currency == currency.id))

    @classmethod
    def _company(cls, tables):
        return tables['invoice'].company

    @classmethod
    def _date(cls, tables):
        return tables['invoice'].invoice_date

    @classmethod
    def _figures(cls, tables):
        """The sums of (revenue, revenue of the lines whose cost is known,
        cost, number of invoices), in the company currency"""
        invoice = tables['invoice']
        return (
            Sum(invoice.margin_revenue), Sum(invoice.margin_known_revenue),
            Sum(invoice.margin_cost), Count(invoice.id))

    @classmethod
    def _columns(cls, tables):
        currency = tables['currency']

        def money(field, value):
            return Round(field.sql_cast(value), currency.digits)

        def dividend(value):
            # SQLite divides whole numbers as integers, and keeps a whole
            # amount as an integer in its numeric columns
            if backend.name == 'sqlite':
                return Cast(value, 'REAL')
            return value
        revenue, revenue_known, cost, number = cls._figures(tables)
        # cost is empty where no line has a known cost
        has_cost = cost != Null
        margin = revenue_known - cost
        return [
            cls._column_id(tables).as_('id'),
            cls._company(tables).as_('company'),
            currency.id.as_('currency'),
            number.as_('number'),
            money(cls.revenue, revenue).as_('revenue'),
            Case((has_cost, money(cls.cost, cost)), else_=Null).as_('cost'),
            Case((has_cost, money(cls.margin, margin)),
                else_=Null).as_('margin'),
            Case((has_cost, Round(cls.margin_rate.sql_cast(
                            dividend(margin) / NullIf(revenue_known, 0)),
                        4)),
                else_=Null).as_('margin_rate'),
            money(cls.unknown_revenue, revenue - revenue_known
                ).as_('unknown_revenue'),
            ]

    @classmethod
    def _column_id(cls, tables):
        id_ = Cast(cls._id_period(tables), 'BIGINT')
        dimension = cls._id_dimension(tables)
        if dimension is not None:
            id_ = Cast(Coalesce(dimension, 0), 'BIGINT') * ID_SPAN + id_
        return id_

    @classmethod
    def _id_dimension(cls, tables):
        "The id of the row's dimension, None without dimension"
        return None

    @classmethod
    def _id_period(cls, tables):
        "The first month of the row's period as YYYYMM, 1 without period"
        return Literal(1)

    @classmethod
    def _group_by(cls, tables):
        currency = tables['currency']
        return [cls._company(tables), currency.id, currency.digits]

    @classmethod
    def _where(cls, tables):
        "Which invoices the analysis sums, from the context"
        invoice = tables['invoice']
        where = ((invoice.type == 'out')
            & invoice.state.in_(['posted', 'paid'])
            & cls._where_context(tables))
        kind = Transaction().context.get('kind')
        if kind:
            where &= invoice.mentorsig_kind == kind
        return where

    @classmethod
    def _where_context(cls, tables):
        context = Transaction().context
        date = cls._date(tables)
        where = cls._company(tables) == context.get('company', -1)
        if context.get('from_date'):
            where &= date >= context['from_date']
        if context.get('to_date'):
            where &= date <= context['to_date']
        ids = context.get('_mentorsig_margin_ids')
        if ids:
            where &= cls._where_ids(tables, ids)
        return where

    @classmethod
    def _where_ids(cls, tables, ids):
        "The documents that the rows of ids sum, and maybe a few more"
        return Literal(True)

    def _open_lines_domain(self):
        "The domain of the invoice lines the row sums"
        context = Transaction().context
        domain = [
            ('invoice.type', '=', 'out'),
            ('invoice.state', 'in', ['posted', 'paid']),
            ('invoice.company', '=', self.company.id),
            ('type', '=', 'line'),
            ]
        if context.get('from_date'):
            domain.append(('invoice.invoice_date', '>=', context['from_date']))
        if context.get('to_date'):
            domain.append(('invoice.invoice_date', '<=', context['to_date']))
        if context.get('kind'):
            domain.append(('invoice.mentorsig_kind', '=', context['kind']))
        return domain


class TimeseriesMixin:
    __slots__ = ()
    period = fields.Char("Period")
    date = fields.Date("Date", help="The first invoice date of the period.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _id_period(cls, tables):
        date = Min(cls._date(tables))
        year = Extract('YEAR', date) * 100
        period = Transaction().context.get('period', 'month')
        if period == 'year':
            return year + 1
        elif period == 'quarter':
            return year + Extract('QUARTER', date) * 3 - 2
        return year + Extract('MONTH', date)

    @classmethod
    def _where_ids(cls, tables, ids):
        where = super()._where_ids(tables, ids)
        _, months = row_keys(ids)
        dates = months_range(
            months, Transaction().context.get('period', 'month'))
        if dates:
            date = cls._date(tables)
            where &= (date >= dates[0]) & (date < dates[1])
        return where

    @classmethod
    def _column_period(cls, tables):
        date = cls._date(tables)
        period = Transaction().context.get('period', 'month')
        if period == 'year':
            return ToChar(date, 'YYYY')
        elif period == 'quarter':
            return Concat(Concat(ToChar(date, 'YYYY'), '-Q'),
                Cast(Extract('QUARTER', date), 'VARCHAR'))
        return ToChar(date, 'YYYY-MM')

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            cls._column_period(tables).as_('period'),
            Min(cls._date(tables)).as_('date'),
            ]

    @classmethod
    def _group_by(cls, tables):
        # By its alias: PostgreSQL does not match the expression of the
        # select with the one of the group by, their formats are parameters
        return super()._group_by(tables) + [
            cls._column_period(tables).as_('period')]

    def _open_lines_domain(self):
        domain = super()._open_lines_domain()
        # The period's dates: from its first invoice date to its end
        period = Transaction().context.get('period', 'month')
        start = self.date.replace(day=1)
        if period == 'year':
            start = start.replace(month=1)
            end = start + relativedelta(years=1)
        elif period == 'quarter':
            start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
            end = start + relativedelta(months=3)
        else:
            end = start + relativedelta(months=1)
        domain.append(('invoice.invoice_date', '>=', start))
        domain.append(('invoice.invoice_date', '<', end))
        return domain


class Main(TimeseriesMixin, Abstract):
    __name__ = 'mentorsig.margin.time'
    __string__ = "Margin over Time"


def dimension_field(model, string):
    return fields.Many2One(
        model, string,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})


class DimensionMixin:
    "Rows grouped by one more column, a Many2One named _dimension"
    __slots__ = ()
    _dimension = None
    # the path from the invoice lines to the column, for the drill-down
    _dimension_lines_path = None

    @classmethod
    def _dimension_column(cls, tables):
        raise NotImplementedError

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            cls._dimension_column(tables).as_(cls._dimension)]

    @classmethod
    def _group_by(cls, tables):
        return super()._group_by(tables) + [
            cls._dimension_column(tables)]

    @classmethod
    def _id_dimension(cls, tables):
        return cls._dimension_column(tables)

    @classmethod
    def _where_ids(cls, tables, ids):
        where = super()._where_ids(tables, ids)
        dimensions, _ = row_keys(ids)
        column = cls._dimension_column(tables)
        ids = sorted(d for d in dimensions if d is not None)
        of_ids = column.in_(ids) if ids else Literal(False)
        if None in dimensions:
            of_ids |= column == Null
        return where & of_ids

    def _open_lines_domain(self):
        value = getattr(self, self._dimension)
        return super()._open_lines_domain() + [
            (self._dimension_lines_path, '=', value.id if value else None)]

    def get_rec_name(self, name):
        value = getattr(self, self._dimension)
        return value.rec_name if value else ''

    @classmethod
    def read(cls, ids, fields_names):
        # The name of a row is that of its dimension, taken from the rows
        # read: the host's getter would load the dimension of the rows
        # again, one more run of the query for each read of the client
        if 'rec_name' not in fields_names:
            return super().read(ids, fields_names)
        dimension = cls._dimension
        names = [n for n in fields_names if n != 'rec_name']
        extra = dimension not in names
        if extra:
            names.append(dimension)
        rows = super().read(ids, names)
        Target = Pool().get(cls._fields[dimension].model_name)
        targets = Target.browse(
            list({r[dimension] for r in rows if r[dimension] is not None}))
        rec_names = {t.id: t.rec_name for t in targets}
        for row in rows:
            row['rec_name'] = rec_names.get(row[dimension], '')
            if extra:
                del row[dimension]
        return rows


class CustomerMixin(DimensionMixin):
    __slots__ = ()
    customer = dimension_field('party.party', "Customer")
    _dimension = 'customer'
    _dimension_lines_path = 'invoice.party'

    @classmethod
    def _dimension_column(cls, tables):
        return tables['invoice'].party


class Customer(CustomerMixin, Abstract):
    __name__ = 'mentorsig.margin.customer'
    __string__ = "Margin by Customer"


class CustomerTimeseries(CustomerMixin, TimeseriesMixin, Abstract):
    __name__ = 'mentorsig.margin.customer.time'
    __string__ = "Margin by Customer over Time"


class LineMixin:
    """One row per posted customer line, with its revenue and cost frozen
    at posting in the company currency, for the axes of the lines"""
    __slots__ = ()

    @classmethod
    def _joins(cls):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        tables = {'line': Line.__table__()}
        return cls._join_currency(tables['line'], tables), tables

    @classmethod
    def _company(cls, tables):
        return tables['line'].margin_company

    @classmethod
    def _date(cls, tables):
        return tables['line'].margin_date

    @classmethod
    def _figures(cls, tables):
        line = tables['line']
        known = Case(
            (line.margin_cost != Null, line.margin_revenue), else_=0)
        return (
            Sum(line.margin_revenue), Sum(known), Sum(line.margin_cost),
            Sum(line.margin_invoices))

    @classmethod
    def _where(cls, tables):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        line = tables['line']
        # Only the lines of posted customer invoices have a date
        where = (line.margin_date != Null) & cls._where_context(tables)
        kind = Transaction().context.get('kind')
        if kind:
            invoice = Invoice.__table__()
            where &= line.invoice.in_(invoice.select(invoice.id,
                    where=invoice.mentorsig_kind == kind))
        return where


class ProductMixin(LineMixin, DimensionMixin):
    __slots__ = ()
    product = dimension_field('product.product', "Product")
    _dimension = 'product'
    _dimension_lines_path = 'product'

    @classmethod
    def _dimension_column(cls, tables):
        return tables['line'].product


class Product(ProductMixin, Abstract):
    __name__ = 'mentorsig.margin.product'
    __string__ = "Margin by Product"


class ProductTimeseries(ProductMixin, TimeseriesMixin, Abstract):
    __name__ = 'mentorsig.margin.product.time'
    __string__ = "Margin by Product over Time"


class Category(LineMixin, DimensionMixin, Abstract):
    __name__ = 'mentorsig.margin.category'
    __string__ = "Margin by Product Category"
    category = dimension_field('product.category', "Category")
    _dimension = 'category'
    _dimension_lines_path = 'product.template.categories_all'

    @classmethod
    def _joins(cls):
        pool = Pool()
        Product = pool.get('product.product')
        TemplateCategory = pool.get('product.template-product.category.all')
        from_item, tables = super()._joins()
        tables['product'] = product = Product.__table__()
        tables['category'] = category = TemplateCategory.__table__()
        from_item = (from_item
            .join(product, condition=tables['line'].product == product.id)
            .join(category, condition=product.template == category.template))
        return from_item, tables

    @classmethod
    def _dimension_column(cls, tables):
        return tables['category'].category

    @classmethod
    def _figures(cls, tables):
        # An invoice may sell several products of a category
        revenue, known, cost, _ = super()._figures(tables)
        return (
            revenue, known, cost,
            Count(tables['line'].invoice, distinct=True))


class SalesRep(DimensionMixin, Abstract):
    __name__ = 'mentorsig.margin.sales_rep'
    __string__ = "Margin by Sales Representative"
    sales_rep = dimension_field('company.employee', "Sales Representative")
    _dimension = 'sales_rep'
    _dimension_lines_path = 'invoice.sales_rep'

    @classmethod
    def _dimension_column(cls, tables):
        return tables['invoice'].sales_rep


class OpenLines(Wizard):
    __name__ = 'mentorsig.margin.open_lines'
    __string__ = "Open Margin Invoice Lines"
    start = StateAction('mentorsig_margin.act_margin_invoice_lines')

    def do_start(self, action):
        # Called without a row (no active id): nothing to open
        if self.record is None:
            raise MarginAnalysisError(gettext(
                    'mentorsig_margin.msg_analysis_row_gone'))
        # The row was read through the user's rules: its lines are too
        domain = self.record._open_lines_domain()
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        action['name'] += ' (%s)' % (self.record.rec_name or '')
        return action, {}

