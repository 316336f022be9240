#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Creating and posting customer invoices: ours against the host.

    .venv/bin/python bench/bench_posting.py [--invoices 100] [--batch 50]
        [--rounds 3] [--profile 30] [--skip-extras]

In one run, on SQLite in memory, three databases (kept in the test
suite's DB_CACHE, var/db-cache/<hash of the sources>/, with a company, a
chart, a fiscal year, customers and products: a few minutes to activate
the first time, seconds afterwards):

- host: the host modules mentorsig_invoicing depends on, without ours;
- host + extras: the suite's optional host modules as well (sale,
  purchase, contracts, projects, Stripe), still without ours, to tell
  their cost from ours;
- ours: the suite's modules (tests/lib/mentorsig_suite.py SUITE_MODULES).

In each, the same work through the Python API, as a batch script does it:
`Invoice.create` of N customer invoices of 5 product lines at 20 % VAT
(50 per transaction), then `Invoice.post` by batches of --batch invoices,
one transaction and one commit per batch.  trytond's lock protocol
restarts a transaction that takes a lock late (the invoice sequence, the
journal's period): a warm-up batch learns these locks, which the measured
batches take up front, as a batch script does after its first batch (an
RPC call restarts each time: every post is done three times).  Without a
worker, the tasks queued by posting run in-process after the commit, as
trytond-admin, the RPC dispatcher and cron run them: the host's ODT
report (`print_invoice`) and, with our modules, the stored Factur-X
(`mentorsig_store_documents`).  So two figures for posting:

- "post": `Invoice.post` and its commit, the queued tasks not run;
- "post + documents": the same plus the tasks run after each commit.

Rates are per CPU second of this process (SQLite in memory: all the work
is in this process, and other jobs share the machine's cores), the best
of --rounds rounds; SQL statements per invoice are counted on the
connection.  The host's test mode is off while measuring (in test mode
it also validates function fields on every write, a server does not).
--profile K posts K more invoices of ours under cProfile (tasks apart).
"""
import argparse
import configparser
import datetime as dt
import os
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, 'tests'),
    os.path.join(ROOT, 'tests', 'lib')]

import run as test_run  # noqa: E402  (tests/run.py: DB_CACHE and hash)

os.environ.update(test_run.backend_environ('sqlite'))

import conftest  # noqa: E402,F401  (the suite's DB_CACHE naming)
from mentorsig_suite import (  # noqa: E402
    HOST_EXTRAS, MENTORSIG_MODULES, SUITE_MODULES)

LINES = 5
CHUNK = 50  # records per create on SQLite (constraints checked in Python)


def host_modules():
    "The host modules mentorsig_invoicing depends on"
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, 'mentorsig_invoicing', 'tryton.cfg'))
    return sorted(set(config.get('tryton', 'depends').split())
        - {'ir', 'res'})


def prepare(config):
    """Company identifiers (legal mentions), fiscal year with its invoice
    sequences, a 20 % VAT, 10 customers and 5 products"""
    from bench_books import open_books
    from proteus import Model

    company, accounts, tax = open_books()
    Party = Model.get('party.party')
    for i in range(10):
        customer = Party(name=f"Client {i}")
        customer.save()
    Category = Model.get('product.category')
    category = Category(name="Bench", accounting=True)
    category.account_revenue = accounts['revenue']
    category.customer_taxes.append(tax)
    category.save()
    Uom = Model.get('product.uom')
    unit, = Uom.find([('name', '=', 'Unit')])
    Template = Model.get('product.template')
    for i in range(LINES):
        template = Template(name=f"Produit {i}", type='service',
            default_uom=unit, account_category=category,
            list_price=Decimal(10 * (i + 1)))
        template.save()


def build(modules):
    "Restore (or make and cache) a database of modules; its proteus config"
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests.tools import activate_modules

    start = time.perf_counter()
    config = activate_modules(modules, create_company, create_chart, prepare)
    print(f"  database ready in {time.perf_counter() - start:.1f}s",
        flush=True)
    return config


def in_transaction(config, function, statements=None, locks=None):
    """Run function in a transaction and commit, following trytond's lock
    protocol; the locks learnt are kept in the dict `locks` for the next
    transactions of the same kind (restarts counted in locks['restarts']),
    the SQL statements counted in the list `statements`"""
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction, TransactionError
    locks = locks if locks is not None else {}
    extras = locks.setdefault('extras', {})
    while True:
        with Transaction().start(DB_NAME, config.user,
                context=config.context, **extras) as transaction:
            if statements is not None:
                transaction.connection.set_trace_callback(
                    statements.append)
            try:
                result = function()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                locks['restarts'] = locks.get('restarts', 0) + 1
                continue
            finally:
                if statements is not None:
                    transaction.connection.set_trace_callback(None)
            transaction.commit()
            return result


def invoice_values(count):
    "The values of `count` customer invoices, as a batch script makes them"
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Product = pool.get('product.product')
    Journal = pool.get('account.journal')
    Term = pool.get('account.invoice.payment_term')
    customers = Party.search([('name', 'like', 'Client %')],
        order=[('name', 'ASC')])
    products = Product.search([('name', 'like', 'Produit %')],
        order=[('name', 'ASC')])
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    terms = Term.search([], limit=1)
    today = dt.date.today()
    vlist = []
    for i in range(count):
        customer = customers[i % len(customers)]
        lines = []
        for j, product in enumerate(products):
            lines.append({
                    'type': 'line',
                    'product': product.id,
                    'description': product.name,
                    'quantity': float(j + 1),
                    'unit': product.default_uom.id,
                    'unit_price': product.list_price_used + Decimal(i % 7),
                    'account': product.account_revenue_used.id,
                    'taxes': [('add', [
                                t.id for t in product.customer_taxes_used])],
                    })
        vlist.append({
                'type': 'out',
                'party': customer.id,
                'invoice_address': customer.address_get(type='invoice').id,
                'account': customer.account_receivable_used.id,
                'journal': journal.id,
                'payment_term': terms[0].id if terms else None,
                'invoice_date': today,
                'description': f"Bench {i}",
                'lines': [('create', lines)],
                })
    return vlist


def create(config, count):
    "Create `count` invoices, 50 per transaction; their ids and figures"
    from trytond.pool import Pool
    vlist = in_transaction(config, lambda: invoice_values(count))
    ids, statements = [], []
    wall, cpu = time.perf_counter(), time.process_time()
    for offset in range(0, count, CHUNK):
        def create_chunk(offset=offset):
            Invoice = Pool().get('account.invoice')
            return [i.id for i in Invoice.create(
                    vlist[offset:offset + CHUNK])]
        ids.extend(in_transaction(config, create_chunk, statements))
    return ids, (time.perf_counter() - wall, time.process_time() - cpu,
        len(statements))


def run_tasks():
    "Run the tasks queued by the last commit, as trytond-admin does"
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    tasks = Transaction._local.tasks
    count = 0
    while tasks:
        run_task(DB_NAME, tasks.pop())
        count += 1
    return count


def post(config, ids, batch, locks, tasks=True):
    """Post by batches, one transaction each, with the locks learnt; the
    figures of posting and of the queued tasks apart"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Transaction._local.tasks.clear()
    posting = [0, 0, 0]
    queued = [0, 0, 0]
    for offset in range(0, len(ids), batch):
        def post_batch(offset=offset):
            Invoice = Pool().get('account.invoice')
            Invoice.post(Invoice.browse(ids[offset:offset + batch]))
        statements = []
        wall, cpu = time.perf_counter(), time.process_time()
        in_transaction(config, post_batch, statements, locks)
        posting[0] += time.perf_counter() - wall
        posting[1] += time.process_time() - cpu
        posting[2] += len(statements)
        if not tasks:
            Transaction._local.tasks.clear()
            continue
        wall, cpu = time.perf_counter(), time.process_time()
        queued[2] += run_tasks()
        queued[0] += time.perf_counter() - wall
        queued[1] += time.process_time() - cpu
    return posting, queued


def check(config, ids, ours):
    "Every invoice posted, its host report (and our document) stored"
    from trytond.pool import Pool

    def states():
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.browse(ids)
        assert all(i.state == 'posted' for i in invoices)
        assert all(i.invoice_report_cache for i in invoices)
        if ours:
            assert all(i.mentorsig_document_sha256 for i in invoices)
        return invoices[0].total_amount
    return in_transaction(config, states)


def measure(label, modules, count, batch, rounds=3, profile=0):
    """The best rates of `rounds` rounds of creating and posting `count`
    invoices in a database of `modules`"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import drop_db
    print(f"{label}: {len(modules)} modules", flush=True)
    config = build(modules)
    # Measure what a production server does: in test mode the host also
    # validates the function fields on every create and write
    Pool.test = False
    try:
        # Warm up (caches, templates) and learn the locks that posting
        # takes (the sequence, the journal's period), as a batch script
        # does on its first batch: the measured batches do not restart
        locks = {}
        warm_up, _ = create(config, 5)
        post(config, warm_up, batch, locks)
        learnt = locks.pop('restarts', 0)
        figures = {}
        for _ in range(rounds):
            ids, (c_wall, c_cpu, c_sql) = create(config, count)
            (p_wall, p_cpu, p_sql), (t_wall, t_cpu, t_count) = post(
                config, ids, batch, locks)
            total = check(config, ids, 'mentorsig_invoicing' in modules)
            print(f"  create {count / c_cpu:.1f}/s, post {count / p_cpu:.1f}"
                f"/s, post + documents {count / (p_cpu + t_cpu):.1f}/s per "
                f"core ({c_wall + p_wall + t_wall:.1f}s wall)", flush=True)
            for name, cpu in [('create', c_cpu), ('post', p_cpu),
                    ('post + documents', p_cpu + t_cpu),
                    ('documents', t_cpu)]:
                figures[name] = max(figures.get(name, 0), count / cpu)
        print(f"  best of {rounds}: create {figures['create']:.1f}/s per "
            f"core ({c_sql / count:.0f} SQL statements per invoice)")
        print(f"  best of {rounds}: post {figures['post']:.1f}/s per core "
            f"({p_sql / count:.0f} SQL statements per invoice; the queued "
            f"tasks not run; {learnt} restarts to learn the locks, "
            f"{locks.get('restarts', 0)} measured)")
        print(f"  best of {rounds}: post + documents "
            f"{figures['post + documents']:.1f}/s per core (the {t_count} "
            f"tasks queued by posting, run after each commit: "
            f"{1000 / figures['documents']:.0f} ms CPU per invoice)")
        print(f"  (each invoice: {total} with taxes)", flush=True)
        if profile:
            run_profile(config, profile, batch, locks)
    finally:
        Pool.test = True
        drop_db()
    return figures


def run_profile(config, count, batch, locks):
    import cProfile
    import pstats
    ids, _ = create(config, count)
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(post, config, ids, batch, locks, tasks=False)
    print(f"\nProfile of posting {count} invoices (queued tasks not run):")
    stats = pstats.Stats(profiler)
    stats.sort_stats('cumulative').print_stats(60)
    stats.sort_stats('tottime').print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--invoices', type=int, default=100)
    parser.add_argument('--batch', type=int, default=50,
        help="invoices posted per transaction")
    parser.add_argument('--rounds', type=int, default=3,
        help="rounds per database, the best one counts (a busy machine)")
    parser.add_argument('--profile', type=int, default=0, metavar='K',
        help="then post K more invoices of ours under cProfile")
    parser.add_argument('--skip-extras', action='store_true',
        help="leave out the host + extras database")
    args = parser.parse_args()

    results = {}
    results['host'] = measure(
        "host", host_modules(), args.invoices, args.batch, args.rounds)
    if not args.skip_extras:
        extras = sorted(set(host_modules()) | set(HOST_EXTRAS))
        results['extras'] = measure(
            "host + extras", extras, args.invoices, args.batch, args.rounds)
    results['ours'] = measure(
        "ours", SUITE_MODULES, args.invoices, args.batch, args.rounds,
        args.profile)
    assert set(MENTORSIG_MODULES) <= set(SUITE_MODULES)

    print(f"\n{args.invoices} invoices of {LINES} lines, posted by "
        f"{args.batch}, per CPU second (best of {args.rounds}):")
    for name in ['create', 'post', 'post + documents']:
        host, ours = results['host'][name], results['ours'][name]
        line = (f"  {name}: host {host:.1f}/s, ours {ours:.1f}/s, "
            f"ratio ours/host {ours / host:.2f}")
        if 'extras' in results:
            line += (f" (host + extras {results['extras'][name]:.1f}/s, "
                f"ours/that {ours / results['extras'][name]:.2f})")
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
