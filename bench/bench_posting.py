#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Creating and posting customer invoices: ours against the host.

    .venv/bin/python bench/bench_posting.py [--invoices 100] [--batch 200]
        [--rounds 3] [--profile 30] [--rpc 200] [--skip-extras]
        [--backend sqlite]

Without --backend, SQLite then PostgreSQL, each in a child process (trytond
reads its database URI once); the last line gives PostgreSQL's ratios:
`bench_posting: post ratio R1, post+documents ratio R2 (postgresql)`.

Ours posts through the bulk path (`Invoice.mentorsig_post_bulk`, the path
of the list's Post (batch) action: chunks of --batch in transactions of
their own, the locks taken up front), MentorSiG enabled for the company;
the host through `Invoice.post` by --batch per transaction.  SQL statements
per invoice are counted on the cursors of both backends.  On PostgreSQL
the rates are per wall second (the server does part of the work).

In one run, per backend, three databases (kept in the test
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

On PostgreSQL, --rpc N (200 by default) then posts N more drafts through
JSON-RPC on a `trytond` server started on each database, as a user does
from the invoice list: the host's Post button (`account.invoice.post` on
the selection, which answers once its tasks, the ODT documents, have run
after its commit, restarting when trytond's lock protocol asks), against
our Post (batch) action, which answers at once and is timed until every
invoice is posted with its document stored (the batch runs in a thread of
the server, there being no worker).  Wall seconds, host/ours.
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

# trytond reads its database URI when imported: one backend per process,
# the parent runs a child per backend (--backend)
BACKEND = (sys.argv[sys.argv.index('--backend') + 1]
    if '--backend' in sys.argv else None)
if BACKEND:
    os.environ.update(test_run.backend_environ(BACKEND))

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
    from bench_books import create_products, open_books
    from proteus import Model

    # open_books enables MentorSiG for the company where it is activated
    company, accounts, tax = open_books()
    Party = Model.get('party.party')
    for i in range(10):
        customer = Party(name=f"Client {i}")
        customer.save()
    create_products(accounts, tax, LINES)


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


STATEMENTS = [0]


def count_statements():
    """Count every SQL statement of this process (the bulk path opens
    transactions of its own): the cursor classes of both backends"""
    from trytond.backend.sqlite.database import SQLiteCursor
    classes = [SQLiteCursor]
    try:
        import psycopg
        classes += [psycopg.Cursor]
    except ImportError:
        pass
    for cls in classes:
        for name in ('execute', 'executemany'):
            original = getattr(cls, name)

            def counted(self, *args, _original=original, **kwargs):
                STATEMENTS[0] += 1
                return _original(self, *args, **kwargs)
            setattr(cls, name, counted)


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
            before = STATEMENTS[0]
            try:
                result = function()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                locks['restarts'] = locks.get('restarts', 0) + 1
                continue
            finally:
                if statements is not None:
                    statements.extend([None] * (STATEMENTS[0] - before))
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


def post(config, ids, batch, locks, tasks=True, bulk=False):
    """Post by batches, one transaction each, with the locks learnt (the
    host's `post`), or through mentorsig_post_bulk (`bulk`: chunks of
    `batch` in transactions of its own, locks up front); the figures of
    posting and of the queued tasks apart"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Transaction._local.tasks.clear()
    posting = [0, 0, 0]
    queued = [0, 0, 0]
    if bulk:
        def post_bulk():
            Invoice = Pool().get('account.invoice')
            _, restarts = Invoice.mentorsig_post_bulk(
                Invoice.browse(ids), size=batch)
            locks['restarts'] = locks.get('restarts', 0) + restarts
        batches = [post_bulk]
    else:
        batches = []
        for offset in range(0, len(ids), batch):
            def post_batch(offset=offset):
                Invoice = Pool().get('account.invoice')
                Invoice.post(Invoice.browse(ids[offset:offset + batch]))
            batches.append(post_batch)
    for post_batch in batches:
        statements = []
        wall, cpu = time.perf_counter(), time.process_time()
        # the bulk path takes its locks in transactions of its own: the
        # calling transaction must not hold them already (PostgreSQL
        # refuses a second NOWAIT lock on the same rows)
        in_transaction(config, post_batch, statements,
            {} if bulk else locks)
        posting[0] += time.perf_counter() - wall
        posting[1] += time.process_time() - cpu
        posting[2] += len(statements)
        if not tasks:
            Transaction._local.tasks.clear()
            continue
        before = STATEMENTS[0]
        wall, cpu = time.perf_counter(), time.process_time()
        queued[2] += run_tasks()
        queued[0] += time.perf_counter() - wall
        queued[1] += time.process_time() - cpu
        posting.append(STATEMENTS[0] - before)
    return posting[:3] + [sum(posting[3:])], queued


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


def measure(label, modules, count, batch, rounds=3, profile=0, rpc=0):
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
        bulk = 'mentorsig_invoicing' in modules
        # SQLite works in this process: its CPU time; PostgreSQL works in
        # the server too: wall time
        k = 1 if BACKEND == 'sqlite' else 0
        unit = 'CPU s' if k else 's'
        for _ in range(rounds):
            ids, created = create(config, count)
            posting, tasks = post(config, ids, batch, locks, bulk=bulk)
            total = check(config, ids, bulk)
            print(f"  create {count / created[k]:.1f}/{unit}, post "
                f"{count / posting[k]:.1f}/{unit}, post + documents "
                f"{count / (posting[k] + tasks[k]):.1f}/{unit} "
                f"({created[0] + posting[0] + tasks[0]:.1f}s wall)",
                flush=True)
            for name, seconds in [('create', created[k]),
                    ('post', posting[k]),
                    ('post + documents', posting[k] + tasks[k]),
                    ('documents', tasks[k])]:
                figures[name] = max(figures.get(name, 0), count / seconds)
            figures['sql post'] = posting[2] / count
            figures['sql documents'] = posting[3] / count
        print(f"  best of {rounds}: create {figures['create']:.1f}/{unit} "
            f"({created[2] / count:.0f} SQL statements per invoice)")
        print(f"  best of {rounds}: post {figures['post']:.1f}/{unit} "
            f"({figures['sql post']:.0f} SQL statements per invoice; the "
            f"queued tasks not run; {learnt} restarts to learn the locks, "
            f"{locks.get('restarts', 0)} measured)")
        print(f"  best of {rounds}: post + documents "
            f"{figures['post + documents']:.1f}/{unit} (the {tasks[2]} "
            f"tasks queued by posting, run after the commits: "
            f"{1000 / figures['documents']:.0f} ms per invoice, "
            f"{figures['sql documents']:.0f} SQL statements per invoice)")
        print(f"  (each invoice: {total} with taxes)", flush=True)
        if profile:
            run_profile(config, profile, batch, locks)
        if rpc:
            figures['rpc'], figures['rpc answered'] = measure_rpc(
                config, rpc, bulk)
            print(f"  JSON-RPC, {rpc} drafts posted from the list: "
                f"{figures['rpc']:.1f}s until posted with their documents "
                f"(the request answered in {figures['rpc answered']:.1f}s)",
                flush=True)
    finally:
        Pool.test = True
        drop_db()
    return figures


def measure_rpc(config, count, bulk):
    """Wall time of posting `count` drafts through JSON-RPC on a trytond
    server of this database, as a user does from the invoice list: the
    host's Post button (`account.invoice.post`, answered once its tasks,
    the documents, ran after the commit), or our Post (batch) action,
    answered at once, timed until the batch is done and every invoice's
    document is stored (its task run in a thread of the server)"""
    import subprocess
    import urllib.error
    import urllib.request
    from types import SimpleNamespace

    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME

    from demo_server import free_port
    from sao_client import RPC

    ids, _ = create(config, count)

    def set_password():
        User = Pool().get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        User.write([admin], {'password': 'bench-rpc-password'})
    in_transaction(config, set_password)

    port = free_port()
    environ = os.environ.copy()
    environ['TRYTOND_WEB__LISTEN'] = '127.0.0.1:%d' % port
    environ['TRYTOND_DATABASE__LIST'] = 'False'
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    log = open(os.path.join(ROOT, 'var', 'bench-posting-rpc.log'), 'a')
    server = subprocess.Popen([trytond, '-d', DB_NAME], env=environ,
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen('http://127.0.0.1:%d/' % port,
                    timeout=2).close()
                break
            except urllib.error.HTTPError:  # it answers (405 without sao)
                break
            except OSError:
                assert time.monotonic() < deadline, "trytond did not start"
                time.sleep(0.5)
        rpc = RPC(SimpleNamespace(url='http://127.0.0.1:%d/' % port,
                database=SimpleNamespace(name=DB_NAME)),
            'admin', 'bench-rpc-password', timeout=3600)
        start = time.perf_counter()
        if not bulk:
            rpc('model.account.invoice.post', ids)
            answered = time.perf_counter() - start
        else:
            wizard = 'wizard.mentorsig.invoice.batch.post'
            session_id, state, _ = rpc(wizard + '.create')
            rpc(wizard + '.execute', session_id, {}, state,
                context=dict(rpc.context, active_model='account.invoice',
                    active_id=ids[0], active_ids=ids))
            rpc(wizard + '.delete', session_id)
            answered = time.perf_counter() - start
            while True:
                rows = rpc('model.account.invoice.read', ids,
                    ['state', 'mentorsig_document_sha256'])
                if all(r['state'] == 'posted'
                        and r['mentorsig_document_sha256'] for r in rows):
                    break
                assert time.perf_counter() - start < 3600
                time.sleep(0.2)
        elapsed = time.perf_counter() - start
        rows = rpc('model.account.invoice.read', ids, ['state'])
        assert all(r['state'] == 'posted' for r in rows)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    return elapsed, answered


def run_profile(config, count, batch, locks):
    import cProfile
    import pstats
    ids, _ = create(config, count)
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(post, config, ids, batch, locks, tasks=False,
        bulk=True)
    print(f"\nProfile of posting {count} invoices (queued tasks not run):")
    if os.environ.get('BENCH_PROFILE_OUT'):
        # for pstats' callers and callees, which this print leaves out
        profiler.dump_stats(os.environ['BENCH_PROFILE_OUT'])
    stats = pstats.Stats(profiler)
    stats.sort_stats('cumulative').print_stats(60)
    stats.sort_stats('tottime').print_stats(25)


def child(backend, args):
    "Run this bench on one backend in a process of its own; its figures"
    import json
    import subprocess
    command = [sys.executable, os.path.abspath(__file__),
        '--backend', backend, '--invoices', str(args.invoices),
        '--batch', str(args.batch), '--rounds', str(args.rounds),
        '--rpc', str(args.rpc)]
    if args.skip_extras:
        command.append('--skip-extras')
    process = subprocess.run(command, stdout=subprocess.PIPE, text=True,
        check=True)
    figures = None
    for line in process.stdout.splitlines():
        if line.startswith('FIGURES '):
            figures = json.loads(line[len('FIGURES '):])
        else:
            print(line, flush=True)
    return figures


def main():
    import json
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--invoices', type=int, default=100)
    parser.add_argument('--batch', type=int, default=200,
        help="invoices posted per transaction")
    parser.add_argument('--rounds', type=int, default=3,
        help="rounds per database, the best one counts (a busy machine)")
    parser.add_argument('--profile', type=int, default=0, metavar='K',
        help="then post K more invoices of ours under cProfile")
    parser.add_argument('--rpc', type=int, default=200, metavar='N',
        help="then post N drafts through JSON-RPC on a trytond server, "
        "from the list (PostgreSQL only: SQLite is in memory); 0: not")
    parser.add_argument('--skip-extras', action='store_true',
        help="leave out the host + extras database")
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        help="one backend (default: SQLite then PostgreSQL, each in a "
        "process of its own)")
    args = parser.parse_args()

    if not args.backend:
        results = {backend: child(backend, args)
            for backend in ['sqlite', 'postgresql']}
        for backend, figures in results.items():
            print(f"{backend}: post ratio {figures['post']:.2f}, "
                f"post+documents ratio {figures['post + documents']:.2f}")
        pg = results['postgresql']
        print(f"bench_posting: post ratio {pg['post']:.2f}, "
            f"post+documents ratio {pg['post + documents']:.2f} "
            "(postgresql)")
        return 0

    count_statements()
    rpc = args.rpc if args.backend == 'postgresql' else 0
    results = {}
    results['host'] = measure(
        "host", host_modules(), args.invoices, args.batch, args.rounds,
        rpc=rpc)
    if not args.skip_extras:
        extras = sorted(set(host_modules()) | set(HOST_EXTRAS))
        results['extras'] = measure(
            "host + extras", extras, args.invoices, args.batch, args.rounds)
    results['ours'] = measure(
        "ours (bulk path)", SUITE_MODULES, args.invoices, args.batch,
        args.rounds, args.profile, rpc=rpc)
    assert set(MENTORSIG_MODULES) <= set(SUITE_MODULES)

    print(f"\n{args.invoices} invoices of {LINES} lines on {args.backend}, "
        f"posted by {args.batch} (best of {args.rounds}):")
    ratios = {}
    for name in ['create', 'post', 'post + documents']:
        host, ours = results['host'][name], results['ours'][name]
        ratios[name] = ours / host
        line = (f"  {name}: host {host:.1f}/s, ours {ours:.1f}/s, "
            f"ratio ours/host {ours / host:.2f}")
        if 'extras' in results:
            line += (f" (host + extras {results['extras'][name]:.1f}/s, "
                f"ours/that {ours / results['extras'][name]:.2f})")
        print(line)
    for name in ['sql post', 'sql documents']:
        print(f"  {name[4:]}: SQL statements per invoice, host "
            f"{results['host'][name]:.0f}, ours {results['ours'][name]:.0f}")
    if rpc:
        host, ours = results['host']['rpc'], results['ours']['rpc']
        ratios['rpc'] = host / ours
        print(f"  JSON-RPC, {rpc} drafts posted from the list until posted "
            f"with their documents: host {host:.1f}s, ours {ours:.1f}s "
            f"(answered in {results['ours']['rpc answered']:.1f}s), ratio "
            f"host/ours {host / ours:.2f}")
    # this backend's line (the parent's run ends with PostgreSQL's)
    print(f"bench_posting: post ratio {ratios['post']:.2f}, "
        f"post+documents ratio {ratios['post + documents']:.2f} "
        f"({args.backend})")
    print('FIGURES ' + json.dumps(ratios), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
