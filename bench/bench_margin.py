#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Margin analysis on a million posted invoice lines: SQL models vs. ORM.

    .venv/bin/python bench/bench_margin.py [--lines 1000000]
        [--orm-sample 20000] [--backend postgresql|sqlite|both]

The database is the test suite's (DB_CACHE, tests/run.py: the suite's
modules, a company and a chart). The bench adds, with bulk SQL (copies of
one invoice, line, party and product made through the ORM): 1,000
customers, 200 products and --lines posted customer invoice lines, 10 per
invoice, over the last 12 months, a cost on 9 lines out of 10.

The lines are frozen as the module's migration freezes the invoices posted
before it (`account.invoice.freeze_margins`, bulk SQL).
Measured, through the model the web client calls (`search_read` of the
reporting model in the context the analysis window sets: company, dates,
period; every row, as a graph of them all needs), the analysis by
customer x month (`mentorsig.margin.customer.time`) and by product
(`mentorsig.margin.product`); also the calls of the web client opening
the analysis (search limited to 1000 rows, count, reads by 100); then the same figures through
the ORM (browsing the posted lines, grouping in Python), on --orm-sample
lines and extrapolated linearly to --lines (a full ORM pass over a million
lines takes long minutes); the ratio ORM / SQL model.
When the sample covers every line, the figures of both paths are compared
(revenue and cost of every customer x month); the tests check the same on
a few lines (tests/margin/scenario_margin_invoice.rst).
Ends with `bench_margin: by customer-month Xs, by product Ys (<backend>)`.
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, 'tests'),
    os.path.join(ROOT, 'tests', 'lib')]

import run as test_run  # noqa: E402  (tests/run.py: DB_CACHE and hash)

CUSTOMERS = 1000
PRODUCTS = 200
LINES_PER_INVOICE = 10


def prepare():
    "One invoice, line, party and product made through the ORM to copy"
    from proteus import Model

    from bench_books import open_books
    company, accounts, tax = open_books()
    Party = Model.get('party.party')
    Category = Model.get('product.category')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    Invoice = Model.get('account.invoice')
    party = Party(name="Bench customer")
    party.save()
    unit, = Uom.find([('name', '=', 'Unit')])
    category = Category(name="Bench", accounting=True)
    category.account_revenue = accounts['revenue']
    category.account_expense = accounts['expense']
    category.save()
    template = Template(name="Bench product", default_uom=unit,
        type='service', list_price=Decimal('10'), account_category=category)
    template.save()
    invoice = Invoice(type='out', party=party, invoice_date=dt.date.today())
    line = invoice.lines.new()
    line.product, = template.products
    line.account = accounts['revenue']
    line.quantity = 1
    line.unit_price = Decimal('10')
    invoice.save()
    return company, invoice


def series(count):
    "SQL of the numbers 0..count-1 as column n of s"
    return (f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL "
        f"SELECT n + 1 FROM s WHERE n < {count - 1}) ")


def columns(cursor, table):
    cursor.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')
    return [d[0] for d in cursor.description if d[0] != 'id']


def clone(cursor, backend, table, template_id, count, overrides):
    """Insert count copies of row template_id of table, overriding columns
    by SQL expressions of n; return the new ids in order"""
    names = columns(cursor, table)
    select = [overrides.get(c, f'"{c}"') for c in names]
    quoted = ', '.join(f'"{c}"' for c in names)
    cursor.execute(series(count)
        + f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(select)} '
        f'FROM "{table}", s WHERE "{table}".id = {template_id} ORDER BY n')
    cursor.execute(f'SELECT id FROM "{table}" WHERE id > {template_id} '
        f'ORDER BY id')
    ids = [i for i, in cursor]
    assert len(ids) == count, (table, len(ids), count)
    return ids


def date_sql(backend, days):
    if backend == 'postgresql':
        return f"(CURRENT_DATE - ({days}))"
    return f"date('now', '-' || ({days}) || ' days')"


def fill(backend, invoice_id, lines):
    "The customers, products and posted lines, in bulk SQL"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoice = Invoice(invoice_id)
    line, = invoice.lines
    cursor = Transaction().connection.cursor()
    start = time.perf_counter()
    parties = clone(cursor, backend, 'party_party', invoice.party.id,
        CUSTOMERS, {'name': "'Customer ' || n", 'code': "'BENCH' || n"})
    products = clone(cursor, backend, 'product_product', line.product.id,
        PRODUCTS, {'code': "'BENCH' || n", 'suffix_code': "'B' || n"})
    invoices = lines // LINES_PER_INVOICE
    invoice_ids = clone(cursor, backend, 'account_invoice', invoice.id,
        invoices, {
            'party': f"{parties[0]} + n % {CUSTOMERS}",
            'invoice_date': date_sql(backend, 'n % 365'),
            'state': "'posted'",
            'number': "'BENCH' || n",
            })
    assert invoice_ids == list(range(invoice_ids[0], invoice_ids[-1] + 1))
    clone(cursor, backend, 'account_invoice_line', line.id, lines, {
            'invoice': f"{invoice_ids[0]} + n / {LINES_PER_INVOICE}",
            'product': f"{products[0]} + (n * 7) % {PRODUCTS}",
            'quantity': "1 + n % 5",
            'unit_price': "10 + n % 90",
            'unit_cost': "CASE WHEN n % 10 = 9 THEN NULL "
            "ELSE 6 + n % 50 END",
            })
    print(f"  {CUSTOMERS} customers, {PRODUCTS} products, {invoices} "
        f"invoices, {lines} lines inserted in "
        f"{time.perf_counter() - start:.1f}s", flush=True)
    # What posting freezes for the analysis, by the module's migration of
    # invoices posted before it (bulk SQL, as the lines were inserted)
    start = time.perf_counter()
    Invoice.freeze_margins()
    print(f"  margins frozen as the migration does in "
        f"{time.perf_counter() - start:.1f}s", flush=True)


def analysis_context(company_id):
    today = dt.date.today()
    return {
        'company': company_id,
        'from_date': today - dt.timedelta(days=366),
        'to_date': today,
        'period': 'month',
        }


FIELDS = ['revenue', 'cost', 'margin', 'margin_rate']


def through_model(model, company_id, extra):
    "search_read as the client calls it for the list and the graph"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Model = Pool().get(model)
    with Transaction().set_context(analysis_context(company_id),
            _check_access=True):
        start = time.perf_counter()
        rows = Model.search_read([], fields_names=FIELDS + extra)
        return time.perf_counter() - start, rows


def as_web_client(model, company_id, extra):
    """The calls of the web client (sao 8.0) opening the list or the graph:
    search with its limit (1000) and the model's order, search_count when
    the page is full, then read by batches of limit / fields (100)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Model = Pool().get(model)
    limit, batch = 1000, 100
    with Transaction().set_context(analysis_context(company_id),
            _check_access=True):
        start = time.perf_counter()
        ids = [r.id for r in Model.search([], 0, limit, None)]
        if len(ids) == limit:
            Model.search_count([])
        # the list view's fields, as sao asks for them
        names = ['number', 'unknown_revenue', 'rec_name', '_timestamp',
            '_write', '_delete'] + FIELDS + extra
        for name in ['company', 'currency'] + extra:
            if name != 'period':
                names += [name, name + '.rec_name']
        for i in range(0, len(ids), batch):
            Model.read(ids[i:i + batch], names)
        return time.perf_counter() - start, len(ids)


def through_orm(company_id, sample):
    """The same figures by customer x month and by product, browsing the
    posted lines; on the first `sample` lines"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Line = Pool().get('account.invoice.line')
    context = analysis_context(company_id)
    start = time.perf_counter()
    with Transaction().set_context(context):
        lines = Line.search([
                ('invoice.type', '=', 'out'),
                ('invoice.state', 'in', ['posted', 'paid']),
                ('invoice.company', '=', company_id),
                ('invoice.invoice_date', '>=', context['from_date']),
                ('invoice.invoice_date', '<=', context['to_date']),
                ('type', '=', 'line'),
                ], limit=sample, order=[('id', 'ASC')])
        by_customer_month = defaultdict(lambda: [Decimal(0), Decimal(0)])
        by_product = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for line in lines:
            key = (line.invoice.party.id,
                line.invoice.invoice_date.strftime('%Y-%m'))
            figures = [line.amount, line.cost or Decimal(0)]
            for total, key in [(by_customer_month, key),
                    (by_product, line.product.id)]:
                total[key][0] += figures[0]
                total[key][1] += figures[1]
    return time.perf_counter() - start, len(lines), by_customer_month


def bench(backend, lines, sample, keep=False):
    # before trytond reads its configuration: one backend per process
    os.environ.update(test_run.backend_environ(backend))
    import conftest  # noqa: F401  (the suite's DB_CACHE naming)
    from trytond.tests.test_tryton import DB_NAME, drop_db
    from trytond.transaction import Transaction
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests.tools import activate_modules

    from mentorsig_suite import SUITE_MODULES
    print(f"\n{backend}: {lines} posted lines", flush=True)
    start = time.perf_counter()
    config = activate_modules(SUITE_MODULES, create_company, create_chart)
    company, invoice = prepare()
    print(f"  database ready in {time.perf_counter() - start:.1f}s",
        flush=True)
    try:
        with Transaction().start(DB_NAME, 0) as transaction:
            fill(backend, invoice.id, lines)
            transaction.commit()
        if backend == 'postgresql':
            # The bulk update of the migration leaves a dead version of
            # every line; autovacuum would clean them up a while later
            with Transaction().start(DB_NAME, 0, autocommit=True) as (
                    transaction):
                transaction.connection.cursor().execute('VACUUM ANALYZE')
        with Transaction().start(DB_NAME, config.user,
                context=config.context, readonly=True):
            results, rows_of = {}, {}
            for name, model, extra in [
                    ('by customer-month', 'mentorsig.margin.customer.time',
                        ['customer', 'period']),
                    ('by product', 'mentorsig.margin.product',
                        ['product'])]:
                # best of 3: the first run also warms the server's caches
                times = []
                for _ in range(3):
                    elapsed, rows = through_model(model, company.id, extra)
                    times.append(elapsed)
                results[name] = min(times)
                rows_of[name] = rows
                print(f"  {name}: {len(rows)} rows in {min(times):.2f}s "
                    f"(runs {', '.join(f'{t:.2f}' for t in times)})",
                    flush=True)
                elapsed, count = min(
                    as_web_client(model, company.id, extra)
                    for _ in range(3))
                print(f"  {name} as the web client opens it (search "
                    f"limit 1000, count, reads of 100): {count} rows in "
                    f"{elapsed:.2f}s", flush=True)
            orm, counted, by_customer_month = through_orm(
                company.id, sample)
            estimate = orm * lines / counted
            if counted == lines:
                sql = {(r['customer'], r['period']):
                    [r['revenue'], r['cost'] or Decimal(0)]
                    for r in rows_of['by customer-month']}
                assert sql == dict(by_customer_month), "ORM and SQL differ"
                print("  ORM and SQL model agree on every customer x month",
                    flush=True)
            print(f"  ORM: {counted} lines grouped both ways in {orm:.1f}s, "
                f"{estimate:.0f}s estimated for {lines} lines", flush=True)
            for name, elapsed in results.items():
                print(f"  ratio ORM / SQL model {name}: "
                    f"{estimate / elapsed:.0f}", flush=True)
    finally:
        if keep:
            print(f"  database {DB_NAME} kept", flush=True)
        else:
            drop_db()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lines', type=int, default=1_000_000)
    parser.add_argument('--orm-sample', type=int, default=20_000)
    parser.add_argument('--backend', default='postgresql',
        choices=['sqlite', 'postgresql', 'both'])
    parser.add_argument('--keep', action='store_true',
        help="keep the database, to look at the queries' plans")
    args = parser.parse_args()
    if args.backend == 'both':
        # trytond reads its backend once per process
        for backend in ['postgresql', 'sqlite']:
            subprocess.run([sys.executable, __file__, '--backend', backend,
                    '--lines', str(args.lines),
                    '--orm-sample', str(args.orm_sample)], check=True)
        return 0
    result = bench(args.backend, args.lines, args.orm_sample, args.keep)
    print(f"bench_margin: by customer-month "
        f"{result['by customer-month']:.2f}s, by product "
        f"{result['by product']:.2f}s ({args.backend})")
    return 0


if __name__ == '__main__':
    sys.exit(main())
