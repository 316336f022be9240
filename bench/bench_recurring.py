#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Recurring invoices: the scheduler's generation against the host's API.

    .venv/bin/python bench/bench_recurring.py [--invoices 1000]
        [--backend sqlite|postgresql]

Without --backend, SQLite then PostgreSQL, each in a child process (trytond
reads its database URI once); the last line is PostgreSQL's:
`bench_recurring: ratio R (postgresql)`.

In one database of the suite's modules (MentorSiG enabled, kept in the
test suite's DB_CACHE), the same N invoices of 3 product lines at 20 % VAT
made and posted two ways, measured in wall seconds:

- ours: N due monthly templates, generated and posted by the scheduler's
  task (`generate_due`: a transaction per template that locks it and
  advances its date, then the bulk posting path);
- host: each invoice created (`Invoice.save`, the lines' on_change_product
  as a form does) and posted (`Invoice.post`) one by one, a transaction
  each, through the host's Python API.

The tasks queued by posting (documents) are left out of both.
"""
import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, 'tests'),
    os.path.join(ROOT, 'tests', 'lib')]

import run as test_run  # noqa: E402  (tests/run.py: DB_CACHE and hash)

BACKEND = (sys.argv[sys.argv.index('--backend') + 1]
    if '--backend' in sys.argv else None)
if BACKEND:
    os.environ.update(test_run.backend_environ(BACKEND))

import conftest  # noqa: E402,F401  (the suite's DB_CACHE naming)
from bench_books import in_transaction  # noqa: E402
from mentorsig_suite import SUITE_MODULES  # noqa: E402

LINES = 3
CHUNK = 50


def prepare_recurring(config):
    "Books, 20 customers and 3 products"
    from bench_books import create_products, open_books
    from proteus import Model
    _, accounts, tax = open_books()
    Party = Model.get('party.party')
    # with the address an invoice needs (the form gives one, not create)
    Party.create([{
                'name': f"Client {i}",
                'addresses': [('create', [{
                                'street': f"{i} rue de la Paix",
                                'postal_code': '75002', 'city': "Paris",
                                }])],
                } for i in range(20)], config.context)
    create_products(accounts, tax, LINES)


def products_and_customers():
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Product = pool.get('product.product')
    return (
        [p.id for p in Product.search(
                [('name', 'like', 'Produit %')], order=[('name', 'ASC')])],
        [p.id for p in Party.search(
                [('name', 'like', 'Client %')], order=[('name', 'ASC')])])


def make_templates(config, count):
    "count monthly templates due today"
    from trytond.pool import Pool
    products, customers = in_transaction(config, products_and_customers)

    def create(offset):
        pool = Pool()
        Company = pool.get('company.company')
        Template = pool.get('mentorsig.recurring.template')
        Product = pool.get('product.product')
        company, = Company.search([], limit=1)
        units = {p.id: p.default_uom.id for p in Product.browse(products)}
        today = dt.date.today()
        Template.create([{
                    'company': company.id,
                    'party': customers[i % len(customers)],
                    'currency': company.currency.id,
                    'name': f"Abonnement {i}",
                    'start_date': today,
                    'next_date': today,
                    'generation': 'post',
                    'state': 'running',
                    'lines': [('create', [{
                                    'product': product,
                                    'unit': units[product],
                                    'quantity': j + 1,
                                    'price': 'fixed',
                                    'unit_price': Decimal(10 + i % 7),
                                    } for j, product in enumerate(products)])],
                    } for i in range(offset, min(offset + CHUNK, count))])
    for offset in range(0, count, CHUNK):
        in_transaction(config, lambda: create(offset))


def ours(config, count, before=0):
    """The scheduler's task over count due templates (`before` invoices of
    templates exist already)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    make_templates(config, count)
    Transaction._local.tasks.clear()
    start = time.perf_counter()
    in_transaction(config, lambda: Pool().get(
            'mentorsig.recurring.template').generate_due())
    seconds = time.perf_counter() - start
    Transaction._local.tasks.clear()

    def check():
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.search([('recurring_template', '!=', None)])
        assert len(invoices) == count + before, len(invoices)
        assert {i.state for i in invoices} == {'posted'}
    in_transaction(config, check)
    return seconds


def host(config, count):
    "Each invoice created and posted on its own, the host's API"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    products, customers = in_transaction(config, products_and_customers)
    extras = {}

    def one(i):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        Party = pool.get('party.party')
        Product = pool.get('product.product')
        Company = pool.get('company.company')
        # what the form's defaults and on_changes set
        company = Company(Transaction().context['company'])
        invoice = Invoice(type='out', company=company,
            currency=company.currency, party=Party(customers[i % len(
                        customers)]), invoice_date=dt.date.today())
        invoice.on_change_type()
        invoice.on_change_party()
        lines = []
        for j, product in enumerate(products):
            line = Line(type='line', invoice=invoice,
                company=invoice.company, currency=invoice.currency,
                product=Product(product), quantity=j + 1)
            line.on_change_invoice()
            line.on_change_product()
            line.unit_price = Decimal(10 + i % 7)
            lines.append(line)
        invoice.lines = lines
        invoice.save()
        Invoice.post([invoice])
    Transaction._local.tasks.clear()
    start = time.perf_counter()
    for i in range(count):
        in_transaction(config, lambda: one(i), extras)
        Transaction._local.tasks.clear()
    return time.perf_counter() - start


def measure(count):
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.pool import Pool
    from trytond.tests.test_tryton import drop_db
    from trytond.tests.tools import activate_modules
    start = time.perf_counter()
    config = activate_modules(
        SUITE_MODULES, create_company, create_chart, prepare_recurring)
    print(f"  database ready in {time.perf_counter() - start:.1f}s",
        flush=True)
    Pool.test = False
    try:
        # warm-up of both paths (caches, locks)
        host(config, 3)
        ours(config, 3)
        mine = ours(config, count, before=3)
        theirs = host(config, count)
    finally:
        Pool.test = True
        drop_db()
    return mine, theirs


def report(backend, count, mine, theirs):
    print(f"{backend}: ours {mine:.1f}s ({count / mine:.1f} invoices/s), "
        f"host one by one {theirs:.1f}s ({count / theirs:.1f} invoices/s), "
        f"ratio {theirs / mine:.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--invoices', type=int, default=1000)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'])
    args = parser.parse_args()
    if args.backend:
        print(f"{args.backend}: {args.invoices} invoices", flush=True)
        mine, theirs = measure(args.invoices)
        report(args.backend, args.invoices, mine, theirs)
        print(f"RESULT {mine} {theirs}")
        return
    import subprocess
    ratio = None
    for backend in ('sqlite', 'postgresql'):
        process = subprocess.run([sys.executable, os.path.abspath(__file__),
                '--backend', backend, '--invoices', str(args.invoices)],
            stdout=subprocess.PIPE, text=True, check=True)
        for line in process.stdout.splitlines():
            if line.startswith('RESULT '):
                mine, theirs = map(float, line.split()[1:])
                ratio = theirs / mine
            else:
                print(line)
    print(f"bench_recurring: ratio {ratio:.2f} (postgresql)")


if __name__ == '__main__':
    main()
