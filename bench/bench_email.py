#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mass sending of invoices by email to a local SMTP server.

    .venv/bin/python bench/bench_email.py [--invoices 500] [--host 30]

Builds a SQLite database in memory with mentorsig_invoice_email and the
invoices, created and posted 50 per call in one transaction (kept in the
test suite's DB_CACHE, var/db-cache/<hash of the sources>/: about 80 s
the first time for 530 invoices, module activation included, seconds
afterwards).  Their stored documents: one Factur-X rendered for real, made
distinct per invoice by a trailing PDF comment, so that the setup stays
within minutes (rendering is what bench_pdf.py measures, about a second
per Factur-X on a busy 2-core machine).  Then it times our mass sending:
one queued task per invoice, run as trytond-worker runs them
(`trytond.worker.run_task`), each rendering the template in the customer's
language, attaching the stored PDF, delivering to aiosmtpd
(tests/lib/smtp_server.py, another process) and logging an `ir.email` with
its attachment on the invoice.

Then the host's native path for the same work: `ir.email.send` (what the
web client's Email button calls) with the same template, its report
attached, one call and one commit per invoice, and the ratio.
"""
import argparse
import functools
import hashlib
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
from bench_books import in_transaction  # noqa: E402
from smtp_server import SMTPServer  # noqa: E402

import trytond.config as trytond_config  # noqa: E402


def build(count):
    """The database with `count` posted invoices; their ids

    Posting is part of the cached set-up (the host's DB_CACHE keeps the
    database after the set-up functions, named after them), so only the
    first run on given sources pays for it.
    """
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.pool import Pool
    from trytond.tests.tools import activate_modules

    start = time.perf_counter()
    config = activate_modules(['mentorsig_invoice_email'], create_company,
        create_chart, functools.partial(prepare, count=count))
    print(f"database with {count} posted invoices ready in "
        f"{time.perf_counter() - start:.1f}s")

    def posted():
        Invoice = Pool().get('account.invoice')
        return [i.id for i in Invoice.search([
                    ('type', '=', 'out'), ('state', '=', 'posted'),
                    ], order=[('id', 'ASC')])]
    return config, in_transaction(config, posted)


def prepare(config, count):
    "Company identifiers, fiscal year, customers, and posted invoices"
    from bench_books import open_books
    from proteus import Model

    company, accounts, tax = open_books()
    revenue = accounts['revenue'].id
    Lang = Model.get('ir.lang')
    english, = Lang.find([('code', '=', 'en')])
    Party = Model.get('party.party')
    customers = []
    for i in range(10):
        customer = Party(name=f"Client {i}", lang=english)
        customer.contact_mechanisms.new(
            type='email', value=f'compta{i}@client.example', invoice=True)
        customer.save()
        customers.append(customer.id)

    start = time.perf_counter()
    # One transaction posts them all, 50 per call (SQLite's limit on the
    # constraints checked at once); a first one of a single invoice learns
    # the locks that posting takes (trytond's lock protocol restarts a
    # transaction for each lock it did not take up front: learnt on 50
    # invoices at a time, that was four postings of each batch)
    extras = {}
    in_transaction(config, functools.partial(create_and_post,
            company.id, customers, revenue, tax.id, 0, 1), extras)
    in_transaction(config, functools.partial(create_and_post,
            company.id, customers, revenue, tax.id, 1, count), extras)
    print(f"{count} invoices posted in {time.perf_counter() - start:.1f}s "
        "(cached for the next runs)")


def create_and_post(company, customers, revenue, tax, start, stop):
    "Create and post the invoices start..stop-1, 50 per call"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    Invoice = pool.get('account.invoice')
    Party = pool.get('party.party')
    # What the form's on_change gives an invoice of each customer
    header = {}
    for customer in customers:
        invoice = Invoice(type='out', company=company,
            party=Party(customer), invoice_date=dt.date.today())
        invoice.on_change_type()
        invoice.on_change_party()
        header[customer] = {
            'type': 'out', 'company': company, 'party': customer,
            'invoice_date': invoice.invoice_date,
            'currency': invoice.company.currency.id,
            'journal': invoice.journal.id,
            'account': invoice.account.id,
            'invoice_address': invoice.invoice_address.id,
            'payment_term': (
                invoice.payment_term.id if invoice.payment_term else None),
            }
    for offset in range(start, stop, 50):
        invoices = Invoice.create([dict(
                    header[customers[i % len(customers)]],
                    lines=[('create', [{
                                    'type': 'line', 'invoice_type': 'out',
                                    'company': company, 'account': revenue,
                                    'currency': header[customers[0]][
                                        'currency'],
                                    'description': "Conseil", 'quantity': 1,
                                    'unit_price': Decimal(100 + i),
                                    'taxes': [('add', [tax])],
                                    }])])
                for i in range(offset, min(offset + 50, stop))])
        Invoice.post(invoices)
    # Not the queued rendering: the documents are stored by
    # store_documents()
    Transaction._local.tasks.clear()


def store_documents(config, ids):
    "A real Factur-X, made distinct per invoice, stored on each"
    from trytond.pool import Pool

    def store():
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.browse(ids)
        document = invoices[0].mentorsig_render()
        for invoice in invoices:
            data = document + b'%% ' + invoice.number.encode() + b'\n'
            invoice.mentorsig_document = data
            invoice.mentorsig_document_sha256 = hashlib.sha256(
                data).hexdigest()
        Invoice.save(invoices)
    start = time.perf_counter()
    in_transaction(config, store)
    print(f"{len(ids)} documents stored in "
        f"{time.perf_counter() - start:.1f}s")


def run_tasks(run_task):
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    # The queue of this thread, as trytond.worker would pull it
    tasks = Transaction._local.tasks
    count = 0
    while tasks:
        run_task(DB_NAME, tasks.pop(0))
        count += 1
    return count


def ours(config, ids):
    "Mass send through the queue, tasks run as the worker runs them"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    from trytond.worker import run_task

    start, cpu = time.perf_counter(), time.process_time()
    with Transaction().start(DB_NAME, config.user,
            context=config.context) as transaction:
        Invoice = Pool().get('account.invoice')
        Invoice.mentorsig_email_queue(Invoice.browse(ids))
        transaction.commit()
    tasks = run_tasks(run_task)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    with Transaction().start(DB_NAME, config.user, context=config.context):
        Invoice = Pool().get('account.invoice')
        states = [i.email_state for i in Invoice.browse(ids)]
    assert tasks == len(ids), (tasks, len(ids))
    assert states.count('sent') == len(ids), states
    return elapsed


def host(config, ids):
    "The host's ir.email.send, as the web client's Email button calls it"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    start, cpu = time.perf_counter(), time.process_time()
    for id_ in ids:
        with Transaction().start(DB_NAME, config.user,
                context=config.context) as transaction:
            pool = Pool()
            Email = pool.get('ir.email')
            Template = pool.get('ir.email.template')
            ModelData = pool.get('ir.model.data')
            template = Template(ModelData.get_id(
                    'mentorsig_invoice_email', 'email_template_invoice'))
            values = template.get(id_)
            Email.send(to=', '.join(values['to']),
                subject=values['subject'], body=values['body'],
                record=('account.invoice', id_),
                reports=values.get('reports'))
            transaction.commit()
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--invoices', type=int, default=500)
    parser.add_argument('--host', type=int, default=30,
        help="invoices sent through the host's path for the ratio")
    parser.add_argument('--profile', action='store_true',
        help="print where our sending spends its time")
    args = parser.parse_args()
    with SMTPServer() as smtp:
        trytond_config.set('email', 'uri', smtp.uri)
        trytond_config.set('email', 'from', 'factures@demo.example')
        config, ids = build(args.invoices + args.host)
        store_documents(config, ids)
        mass, others = ids[:args.invoices], ids[args.invoices:]
        if args.profile:
            import cProfile
            import pstats
            profile = cProfile.Profile()
            elapsed = profile.runcall(ours, config, mass)
            pstats.Stats(profile).sort_stats('cumulative').print_stats(45)
        else:
            elapsed = ours(config, mass)
        received = smtp.wait_for(len(mass))
        assert received == len(mass), received
        (wall, cpu), count = elapsed, len(mass)
        print(f"ours: {count} invoices emailed through the queue in "
            f"{wall:.1f}s wall ({wall / count * 1000:.0f} ms per invoice), "
            f"{cpu:.1f}s CPU of this process ({cpu / count * 1000:.0f} ms "
            f"per invoice, {count / cpu:.1f}/s per core); {received} "
            "received by the SMTP server")
        size = sum(len(m.as_bytes()) for m in smtp.messages()[:1])
        smtp.clear()
        if others:
            host_wall, host_cpu = host(config, others)
            received = smtp.wait_for(len(others))
            assert received == len(others), received
            print(f"host path (ir.email.send with the template's report, "
                f"one call per invoice): {len(others)} in {host_wall:.1f}s "
                f"wall, {host_cpu / len(others) * 1000:.0f} ms CPU per "
                "invoice")
            print(f"ratio host/ours, CPU per invoice: "
                f"{host_cpu / len(others) / (cpu / count):.2f}x")
        print(f"message size (PDF attached): {size / 1024:.0f} KiB")
    return 0


if __name__ == '__main__':
    sys.exit(main())
