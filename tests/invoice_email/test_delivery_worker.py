# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every email exactly once, with real processes: a mass sending of 200
invoices to aiosmtpd by a real trytond-worker, killed with SIGKILL (its
whole process group) in the middle, started again, the stalled tasks
resumed by a real trytond-cron: 200 messages arrive, each once.

PostgreSQL only: the worker and cron processes share the test's
database, which on SQLite lives in the test process's memory.
"""
import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import pytest

from pg_sessions import disconnect_others
from smtp_server import SMTPServer

INVOICES = 200
BIN = os.path.dirname(sys.executable)

def _config_file(directory, smtp):
    import trytond.config as config
    path = os.path.join(directory, 'trytond.conf')
    with open(path, 'w') as fp:
        fp.write('[database]\n')
        fp.write('uri = %s\n' % config.get('database', 'uri'))
        fp.write('path = %s\n' % config.get('database', 'path'))
        fp.write('[queue]\nworker = True\n')
        fp.write('[email]\nuri = %s\nfrom = factures@demo.example\n'
            % smtp.uri)
        fp.write('[mentorsig]\nemail_stalled_after = 1\n')
    return path


def _start_worker(conf, database):
    return subprocess.Popen(
        [os.path.join(BIN, 'trytond-worker'), '-c', conf, '-d', database,
            '-n', '2', '-t', '1'],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(process, sig=signal.SIGTERM):
    "Stop the process and what is left of its group (its pool's children)"
    for signal_ in (sig, signal.SIGKILL):
        try:
            os.killpg(process.pid, signal_)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


def _make_invoices(config):
    "200 posted invoices of customers with an email address"
    from bench_books import open_books
    from proteus import Model
    _, accounts, tax = open_books()
    Party = Model.get('party.party')
    customers = []
    for i in range(10):
        customer = Party(name="Client %s" % i)
        customer.contact_mechanisms.new(
            type='email', value='client%s@client.example' % i)
        customer.save()
        customers.append(customer.id)

    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    def create():
        Invoice = Pool().get('account.invoice')
        Party = Pool().get('party.party')
        today = dt.date.today()
        vlist = []
        for i in range(INVOICES):
            party = Party(customers[i % len(customers)])
            vlist.append({
                    'type': 'out',
                    'party': party.id,
                    'invoice_address': party.address_get().id,
                    'account': party.account_receivable_used.id,
                    'invoice_date': today,
                    'lines': [('create', [{
                                    'account': accounts['revenue'].id,
                                    'description': "Prestation %s" % i,
                                    'quantity': 1,
                                    'unit_price': Decimal(100 + i),
                                    'taxes': [('add', [tax.id])],
                                    }])],
                    })
        invoices = []
        for offset in range(0, INVOICES, 50):
            invoices += Invoice.create(vlist[offset:offset + 50])
        Invoice.post(invoices)
        return [i.id for i in invoices]

    from bench_books import in_transaction
    ids = in_transaction(config, create)
    with Transaction().start(DB_NAME, 0) as transaction:
        # only the sweeper of this module runs in the cron process
        Cron = Pool().get('ir.cron')
        Cron.write(Cron.search([
                    ('method', '!=',
                        'account.invoice|mentorsig_email_resume')]),
            {'active': False})
        transaction.commit()
    return ids


def test_mass_sending_worker_killed(smtp):
    import trytond.config as config
    from mentorsig_suite import activate_suite
    from proteus import Model, Wizard
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests.test_tryton import DB_NAME

    proteus_config = activate_suite(create_company, create_chart)
    ids = _make_invoices(proteus_config)
    directory = tempfile.mkdtemp(prefix='mentorsig-worker-')
    conf = _config_file(directory, smtp)

    worker = _start_worker(conf, DB_NAME)
    try:
        # The wizard of the list queues the tasks for the worker
        Invoice = Model.get('account.invoice')
        invoices = [Invoice(i) for i in ids]
        saved = config.get('queue', 'worker', default=False)
        config.set('queue', 'worker', 'True')
        try:
            mass = Wizard('mentorsig.invoice.email.mass', invoices)
            mass.execute('send')
        finally:
            config.set('queue', 'worker', str(saved))
        assert mass.form.queued == INVOICES

        # Killed in the middle, tasks in flight
        deadline = time.monotonic() + 300
        while smtp.count() < INVOICES // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        _stop(worker, signal.SIGKILL)
        killed_at = smtp.count()
        assert 0 < killed_at < INVOICES

        time.sleep(2)  # past email_stalled_after
        worker = _start_worker(conf, DB_NAME)
        subprocess.run(
            [os.path.join(BIN, 'trytond-cron'), '-c', conf, '-d', DB_NAME,
                '-1'],
            check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, timeout=120)
        received = smtp.wait_for(INVOICES, timeout=300)
        # and nothing more comes
        time.sleep(3)
    finally:
        _stop(worker)

    messages = smtp.messages()
    try:
        _check(smtp, messages, invoices, received, killed_at)
    finally:
        disconnect_others(DB_NAME)


def _check(smtp, messages, invoices, received, killed_at):
    by_id = collections.Counter(m['Message-ID'] for m in messages)
    assert received == INVOICES
    assert len(messages) == INVOICES, (killed_at, len(messages))
    assert len(by_id) == INVOICES
    assert max(by_id.values()) == 1
    for invoice in invoices:
        invoice.reload()
    assert {i.email_state for i in invoices} == {'sent'}
    # the Message-ID fixed when queued is the one received
    assert {i.email_message_id for i in invoices} == set(by_id)
    assert all(len(i.sent_emails) == 1 for i in invoices)
