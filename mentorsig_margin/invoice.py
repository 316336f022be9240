# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost and margin of customer invoices, frozen at posting.

The host has no margin on invoice lines (its stock margin report covers only
goods moved out of stock): the unit cost is stored on the line and taken
again from the product when the invoice is posted, after which the host's
own check refuses any change to the line (the fields are not in
`_check_modify_exclude`), so later cost changes never rewrite history.
A credit note line keeps the frozen cost of the line it credits.

Posting also freezes what the margin analysis sums, in the company currency
at the rate of the invoice date (the rate its move is posted at): on each
customer line its revenue and cost with the invoice's company and date, on
the invoice their totals. The analysis then groups one table, without
joining invoices, companies and rates nor converting row by row. These are
plain columns, not fields: only this module's SQL writes them (at posting,
when a posted invoice is cancelled and in the migration of invoices posted
before), nothing reads nor writes them through the ORM or RPC, so that no
access rule has to hide them from users outside the Margin group.
"""
from decimal import Decimal

from sql import Cast, Literal, Null, Window
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access
from trytond.wizard import StateTransition, Wizard

from .line import MarginDocumentMixin, MarginLineMixin

# The frozen columns: (name, abstract SQL type)
INVOICE_COLUMNS = [
    ('margin_revenue', 'NUMERIC'),
    ('margin_known_revenue', 'NUMERIC'),
    ('margin_cost', 'NUMERIC'),
    ]
LINE_COLUMNS = [
    # the invoice's company and date; empty while the line is not counted
    # (draft, supplier or cancelled invoice, line of another type)
    ('margin_company', 'INTEGER'),
    ('margin_date', 'DATE'),
    ('margin_revenue', 'NUMERIC'),
    ('margin_cost', 'NUMERIC'),
    # 1 on the first line of its product on its invoice: the number of
    # invoices by product is their sum, without a count of distinct
    # invoices over every line (a sort of a million rows)
    ('margin_invoices', 'INTEGER'),
    ]
CHUNK = 1000


def add_columns(model, module, columns):
    table_h = model.__table_handler__(module)
    for name, type_ in columns:
        table_h.add_column(name, type_)


class Invoice(MarginDocumentMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['cost', 'margin', 'margin_rate']:
            field = getattr(cls, name)
            field.states = {'invisible': Eval('type') != 'out'}

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        add_columns(cls, module, INVOICE_COLUMNS)

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        # Frozen at posting: the cost of the day the invoice is posted
        Line.set_unit_costs([
                l for i in invoices
                if i.type == 'out' and i.state in {'draft', 'validated'}
                for l in i.lines])
        super()._post(invoices)
        cls.freeze_margins([i for i in invoices if i.type == 'out'])

    @classmethod
    def cancel(cls, invoices):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        super().cancel(invoices)
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        ids = [i.id for i in invoices if i.state == 'cancelled']
        for sub_ids in grouped_slice(ids, CHUNK):
            cursor.execute(*line.update(
                    [line.margin_company, line.margin_date],
                    [Null, Null],
                    where=line.invoice.in_(list(sub_ids))))

    @classmethod
    def freeze_margins(cls, invoices=None):
        """Store what the margin analysis sums on the posted customer
        invoices (the migration: those not frozen yet when None)"""
        def posted(invoice):
            return ((invoice.type == 'out')
                & invoice.state.in_(['posted', 'paid']))
        if invoices is None:
            # Every invoice not frozen yet, in a few statements over the
            # whole table
            cls._freeze_margins(
                lambda invoice: (posted(invoice)
                    & (invoice.margin_revenue == Null)),
                migration=True)
        else:
            for sub_ids in grouped_slice([i.id for i in invoices], CHUNK):
                sub_ids = list(sub_ids)
                cls._freeze_margins(
                    lambda invoice: (posted(invoice)
                        & invoice.id.in_(sub_ids)))

    @classmethod
    def _freeze_margins(cls, selected, migration=False):
        """Freeze the lines then the totals of the invoices where
        selected(invoice table), with UPDATE ... FROM (PostgreSQL, SQLite
        3.33+): a correlated subquery per column and line took 4 to 6
        minutes on a million lines"""
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Line = pool.get('account.invoice.line')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        numeric = transaction.database.sql_type('NUMERIC').base
        invoice, line = cls.__table__(), Line.__table__()
        company = Company.__table__()

        def update(where, converted=None):
            """Freeze the lines of the invoices where where(invoice,
            company); in the company currency with its digits, or by
            converted(amount)"""
            source, invoice_ = Line.__table__(), cls.__table__()
            company_, currency_ = Company.__table__(), Currency.__table__()
            # 1 on the first line of its product on its invoice
            first = Min(source.id,
                window=Window([source.invoice, source.product]))
            lines = (source
                .join(invoice_, condition=source.invoice == invoice_.id)
                .join(company_, condition=invoice_.company == company_.id)
                .join(currency_,
                    condition=company_.currency == currency_.id)
                .select(source.id.as_('id'),
                    invoice_.company.as_('company'),
                    invoice_.invoice_date.as_('date'),
                    currency_.digits.as_('digits'),
                    Case((source.id == first, 1), else_=0).as_('first'),
                    where=(source.type == 'line')
                    & where(invoice_, company_)))
            quantity = Cast(line.quantity, numeric)
            revenue = quantity * line.unit_price
            cost = quantity * line.unit_cost
            if converted:
                revenue, cost = converted(revenue), converted(cost)
            else:
                # the lines' amounts, as the host rounds them
                revenue = Round(revenue, lines.digits)
                cost = Round(cost, lines.digits)
            cursor.execute(*line.update(
                    [line.margin_company, line.margin_date,
                        line.margin_revenue, line.margin_cost,
                        line.margin_invoices],
                    [lines.company, lines.date, revenue, cost, lines.first],
                    from_=[lines], where=line.id == lines.id))

        update(lambda i, c: selected(i) & (i.currency == c.currency))
        # In another currency: converted at the invoice date's rate as its
        # move is and rounded again
        cursor.execute(*invoice
            .join(company, condition=invoice.company == company.id)
            .select(invoice.id, invoice.currency, company.currency,
                invoice.invoice_date,
                where=selected(invoice)
                & (invoice.currency != company.currency)))
        others = {}
        for invoice_id, currency_id, company_currency_id, date in cursor:
            others.setdefault((currency_id, company_currency_id, date), []
                ).append(invoice_id)
        for (currency_id, company_currency_id, date), ids in others.items():
            from_currency = Currency(currency_id)
            to_currency = Currency(company_currency_id)
            with Transaction().set_context(date=date):
                rate = Currency.compute(
                    from_currency, Decimal(1), to_currency, round=False)

            def converted(amount):
                return Round(
                    Round(amount, from_currency.digits) * Literal(rate),
                    to_currency.digits)
            for sub_ids in grouped_slice(ids, CHUNK):
                sub_ids = list(sub_ids)
                update(lambda i, c: i.id.in_(sub_ids), converted)

        columns = [invoice.margin_revenue, invoice.margin_known_revenue,
            invoice.margin_cost]
        empty = [0, 0, Null]
        if not migration:
            # posted again or without a counted line
            cursor.execute(*invoice.update(
                    columns, empty, where=selected(invoice)))
        source, invoice_ = Line.__table__(), cls.__table__()
        known = Case(
            (source.margin_cost != Null, source.margin_revenue), else_=0)
        totals = (source
            .join(invoice_, condition=source.invoice == invoice_.id)
            .select(source.invoice.as_('invoice'),
                Coalesce(Sum(source.margin_revenue), 0).as_('revenue'),
                Coalesce(Sum(known), 0).as_('known'),
                Sum(source.margin_cost).as_('cost'),
                where=(source.margin_date != Null) & selected(invoice_),
                group_by=[source.invoice]))
        cursor.execute(*invoice.update(
                columns, [totals.revenue, totals.known, totals.cost],
                from_=[totals], where=invoice.id == totals.invoice))
        if migration:
            # those still empty have no counted line
            cursor.execute(*invoice.update(
                    columns, empty, where=selected(invoice)))

    @classmethod
    def recompute_margin_costs(cls, invoices):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        Line.set_unit_costs([
                l for i in invoices if i.type == 'out' and i.state == 'draft'
                for l in i.lines])


class InvoiceLine(MarginLineMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t,
                (t.margin_company, Index.Equality(cardinality='low')),
                (t.margin_date, Index.Range()),
                where=t.margin_date != Null))
        customer = Eval('invoice_type') != 'in'
        for name in [
                'cost_source', 'unit_cost', 'cost', 'margin', 'margin_rate',
                'markup_rate']:
            field = getattr(cls, name)
            field.states = field.states.copy()
            field.states['invisible'] = (
                field.states['invisible'] | ~customer)

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        super().__register__(module)
        add_columns(cls, module, LINE_COLUMNS)
        # Invoices posted before their margins were frozen
        Invoice.freeze_margins()

    @fields.depends(
        'invoice', '_parent_invoice.company', '_parent_invoice.currency',
        '_parent_invoice.invoice_date', '_parent_invoice.type',
        '_parent_invoice.state', 'company', 'currency', 'invoice_type')
    def _margin_values(self):
        if self.invoice:
            return (
                self.invoice.company, self.invoice.currency,
                self.invoice.invoice_date, self.invoice.type == 'out',
                (self.invoice.state or 'draft') == 'draft')
        return (
            self.company, self.currency, None, self.invoice_type == 'out',
            True)

    def _credit(self):
        line = super()._credit()
        line.cost_source = 'credited'
        line.unit_cost = self.unit_cost
        return line


class RecomputeMarginCosts(Wizard):
    "Take the product's cost again on draft lines after a strategy change"
    __name__ = 'mentorsig.margin.recompute'
    __string__ = "Recompute Margin Costs"
    start_state = 'recompute'
    recompute = StateTransition()

    def transition_recompute(self):
        if self.model and hasattr(self.model, 'recompute_margin_costs'):
            # Only the documents the user may read, whatever ids were sent
            with check_access():
                records = self.model.search([
                        ('id', 'in', [r.id for r in self.records]),
                        ])
            self.model.recompute_margin_costs(records)
        return 'end'

