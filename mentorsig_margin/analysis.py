# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Margin analysis: SQL reporting models over posted customer invoice lines.

The host's pattern (`sale.reporting`): one `table_query` model per axis,
grouped in SQL, filtered by a context model (company, dates, kind, period),
amounts converted to the company currency with the host's rate query.
Revenue, cost and margin come from the costs frozen at posting; the revenue
of lines whose cost is unknown counts in `revenue` but not in the margin
nor its rate.
"""
from dateutil.relativedelta import relativedelta
from sql import Cast, Literal, Null, With
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, NullIf
from sql.functions import Extract, Round, ToChar
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from .line import RATE_DIGITS

BROWSE_CHUNK = 1000
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
        # analysis. Chunks of a list page keep the prefetching.
        ids = list(map(int, ids))
        records = []
        for i in range(0, len(ids), BROWSE_CHUNK):
            records.extend(super().browse(ids[i:i + BROWSE_CHUNK]))
        return records

    @classmethod
    def table_query(cls):
        from_item, tables, withs = cls._joins()
        return from_item.select(
            *cls._columns(tables, withs),
            group_by=cls._group_by(tables, withs),
            with_=withs.values())

    @classmethod
    def _line_group_by(cls, line):
        "The (name, column) of the lines that the rows group by too"
        return []

    @classmethod
    def _lines(cls):
        """The posted customer lines summed per invoice: the lines of an
        invoice share its currency and date, so that they are converted and
        grouped once per invoice, not once per line; one row per line when
        _line_group_by names columns of the line"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        line, invoice = Line.__table__(), Invoice.__table__()
        known = line.unit_cost != Null
        amount = line.quantity * line.unit_price
        grouped = cls._line_group_by(line)
        columns = [
            (line.id, Min), (line.invoice, None),
            *((column, None) for _, column in grouped),
            (amount, Sum),
            (Case((known, amount), else_=Literal(0)), Sum),
            (Case((known, line.quantity * line.unit_cost),
                    else_=Literal(0)), Sum),
            (Case((known, Literal(1)), else_=Literal(0)), Max),
            ]
        names = ['id', 'invoice', *(n for n, _ in grouped),
            'revenue', 'revenue_known', 'cost', 'has_cost']
        # Grouped by a column of the line (the product), the lines of an
        # invoice seldom share it: summing them first would only add a step
        aggregate = not grouped
        return (line
            .join(invoice, condition=line.invoice == invoice.id)
            .select(
                *((a(c) if aggregate and a else c).as_(n)
                    for (c, a), n in zip(columns, names)),
                where=cls._where(line, invoice),
                group_by=[line.invoice] if aggregate else None))

    @classmethod
    def _joins(cls):
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Invoice = pool.get('account.invoice')
        tables = {
            'line': cls._lines(),
            'invoice': Invoice.__table__(),
            'company': Company.__table__(),
            'currency': Currency.__table__(),
            }
        line, invoice = tables['line'], tables['invoice']
        company, currency = tables['company'], tables['currency']
        withs = {
            'rate_invoice': With(query=Currency.currency_rate_sql()),
            'rate_company': With(query=Currency.currency_rate_sql()),
            }
        rate_invoice, rate_company = (
            withs['rate_invoice'], withs['rate_company'])
        date = invoice.invoice_date
        from_item = (line
            .join(invoice, condition=line.invoice == invoice.id)
            .join(company, condition=invoice.company == company.id)
            .join(currency, condition=company.currency == currency.id)
            .join(rate_invoice, type_='LEFT',
                condition=(invoice.currency != company.currency)
                & (rate_invoice.currency == invoice.currency)
                & (rate_invoice.start_date <= date)
                & ((rate_invoice.end_date == Null)
                    | (rate_invoice.end_date > date)))
            .join(rate_company, type_='LEFT',
                condition=(invoice.currency != company.currency)
                & (rate_company.currency == company.currency)
                & (rate_company.start_date <= date)
                & ((rate_company.end_date == Null)
                    | (rate_company.end_date > date))))
        return from_item, tables, withs

    @classmethod
    def _converted(cls, tables, withs, amount):
        "amount in the invoice currency converted to the company's"
        invoice, company = tables['invoice'], tables['company']
        rate = withs['rate_company'].rate / withs['rate_invoice'].rate
        return Case(
            (invoice.currency == company.currency, amount),
            else_=amount * rate)

    @classmethod
    def _columns(cls, tables, withs):
        line, invoice = tables['line'], tables['invoice']
        currency = tables['currency']

        def converted(amount):
            return cls._converted(tables, withs, amount)

        def money(field, value):
            return Round(field.sql_cast(value), currency.digits)
        revenue_known = Sum(converted(line.revenue_known))
        cost = Sum(converted(line.cost))
        margin = revenue_known - cost
        has_cost = Max(line.has_cost) == 1
        return [
            cls._column_id(tables, withs).as_('id'),
            invoice.company.as_('company'),
            currency.id.as_('currency'),
            Count(line.invoice, distinct=True).as_('number'),
            money(cls.revenue, Sum(converted(line.revenue))).as_('revenue'),
            Case((has_cost, money(cls.cost, cost)), else_=Null).as_('cost'),
            Case((has_cost, money(cls.margin, margin)),
                else_=Null).as_('margin'),
            Case((has_cost, Round(cls.margin_rate.sql_cast(
                            margin / NullIf(revenue_known, 0)), 4)),
                else_=Null).as_('margin_rate'),
            money(cls.unknown_revenue,
                Sum(converted(line.revenue - line.revenue_known))
                ).as_('unknown_revenue'),
            ]

    @classmethod
    def _column_id(cls, tables, withs):
        return Min(tables['line'].id)

    @classmethod
    def _group_by(cls, tables, withs):
        invoice, currency = tables['invoice'], tables['currency']
        return [invoice.company, currency.id, currency.digits]

    @classmethod
    def _where(cls, line, invoice):
        "Which lines the analysis sums, from the context"
        context = Transaction().context
        where = ((invoice.type == 'out')
            & invoice.state.in_(['posted', 'paid'])
            & (line.type == 'line')
            & (invoice.company == context.get('company', -1)))
        if context.get('from_date'):
            where &= invoice.invoice_date >= context['from_date']
        if context.get('to_date'):
            where &= invoice.invoice_date <= context['to_date']
        if context.get('kind'):
            where &= invoice.mentorsig_kind == context['kind']
        return where

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
    def _column_period(cls, tables, withs):
        date = tables['invoice'].invoice_date
        period = Transaction().context.get('period', 'month')
        if period == 'year':
            return ToChar(date, 'YYYY')
        elif period == 'quarter':
            return Concat(Concat(ToChar(date, 'YYYY'), '-Q'),
                Cast(Extract('QUARTER', date), 'VARCHAR'))
        return ToChar(date, 'YYYY-MM')

    @classmethod
    def _columns(cls, tables, withs):
        return super()._columns(tables, withs) + [
            cls._column_period(tables, withs).as_('period'),
            Min(tables['invoice'].invoice_date).as_('date'),
            ]

    @classmethod
    def _group_by(cls, tables, withs):
        # By its alias: PostgreSQL does not match the expression of the
        # select with the one of the group by, their formats are parameters
        return super()._group_by(tables, withs) + [
            cls._column_period(tables, withs).as_('period')]

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
    def _columns(cls, tables, withs):
        return super()._columns(tables, withs) + [
            cls._dimension_column(tables).as_(cls._dimension)]

    @classmethod
    def _group_by(cls, tables, withs):
        return super()._group_by(tables, withs) + [
            cls._dimension_column(tables)]

    def _open_lines_domain(self):
        value = getattr(self, self._dimension)
        return super()._open_lines_domain() + [
            (self._dimension_lines_path, '=', value.id if value else None)]

    def get_rec_name(self, name):
        value = getattr(self, self._dimension)
        return value.rec_name if value else ''


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


class ProductMixin(DimensionMixin):
    __slots__ = ()
    product = dimension_field('product.product', "Product")
    _dimension = 'product'
    _dimension_lines_path = 'product'

    @classmethod
    def _line_group_by(cls, line):
        return super()._line_group_by(line) + [('product', line.product)]

    @classmethod
    def _dimension_column(cls, tables):
        return tables['line'].product


class Product(ProductMixin, Abstract):
    __name__ = 'mentorsig.margin.product'
    __string__ = "Margin by Product"


class ProductTimeseries(ProductMixin, TimeseriesMixin, Abstract):
    __name__ = 'mentorsig.margin.product.time'
    __string__ = "Margin by Product over Time"


class Category(DimensionMixin, Abstract):
    __name__ = 'mentorsig.margin.category'
    __string__ = "Margin by Product Category"
    category = dimension_field('product.category', "Category")
    _dimension = 'category'
    _dimension_lines_path = 'product.template.categories_all'

    @classmethod
    def _line_group_by(cls, line):
        return super()._line_group_by(line) + [('product', line.product)]

    @classmethod
    def _joins(cls):
        pool = Pool()
        Product = pool.get('product.product')
        TemplateCategory = pool.get('product.template-product.category.all')
        from_item, tables, withs = super()._joins()
        tables['product'] = product = Product.__table__()
        tables['category'] = category = TemplateCategory.__table__()
        from_item = (from_item
            .join(product, condition=tables['line'].product == product.id)
            .join(category, condition=product.template == category.template))
        return from_item, tables, withs

    @classmethod
    def _dimension_column(cls, tables):
        return tables['category'].category

    @classmethod
    def _column_id(cls, tables, withs):
        # A line counts in each of its product's categories: Min(line.id)
        # would not tell the rows apart
        return cls._dimension_column(tables)


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
        # The row was read through the user's rules: its lines are too
        domain = self.record._open_lines_domain()
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        action['name'] += ' (%s)' % (self.record.rec_name or '')
        return action, {}

