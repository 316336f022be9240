# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Posting a selection of invoices from the list through a batch: the
batch counts what was posted and what failed (with the reason), the user
is notified when it is finished, and a task run twice posts nothing
twice."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from pg_sessions import disconnect_others


@pytest.fixture(autouse=True)
def sessions_ended():
    "The task's transactions leave sessions the next test's drop refuses"
    yield
    from trytond.tests.test_tryton import DB_NAME
    disconnect_others(DB_NAME)


def small_drafts(customer_name, count, accounts):
    "The ids of count one-line drafts of a new customer (proteus)"
    from proteus import Model
    customer = Model.get('party.party')(name=customer_name)
    customer.save()
    Invoice = Model.get('account.invoice')
    ids = []
    for i in range(count):
        invoice = Invoice(type='out', party=customer,
            invoice_date=dt.date.today())
        line = invoice.lines.new()
        line.account = accounts['revenue']
        line.description = "Article %s" % i
        line.quantity = 1
        line.unit_price = Decimal('10.00')
        invoice.save()
        ids.append(invoice.id)
    return ids


def test_post_batch_counts_posted_and_failed_invoices():
    from bench_books import consulting_draft, open_books
    from mentorsig_suite import activate_suite
    from proteus import Model, Wizard
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company

    config = activate_suite(create_company, create_chart)
    mentorsig = Model.get('mentorsig.configuration')(1)
    mentorsig.enabled = True
    mentorsig.save()
    _, accounts, tax = open_books()
    Party = Model.get('party.party')
    customer = Party(name="Client Lot")
    customer.save()
    today = dt.date.today()

    def draft(description, date=today):
        return consulting_draft(customer, accounts, tax, date, description)

    drafts = [draft("Lot %s" % i) for i in range(3)]
    # dated tomorrow: our check refuses it, the others go on
    future = draft("Lot demain", today + dt.timedelta(days=1))
    posted = draft("Déjà comptabilisée")
    posted.click('post')

    wizard = Wizard('mentorsig.invoice.batch.post',
        drafts + [future, posted])
    # the action opens the batch
    (batch,), = wizard.actions
    Batch = Model.get('mentorsig.invoice.batch')
    assert Batch.find([]) == [batch]
    assert (batch.kind, batch.state) == ('post', 'done')
    assert (batch.queued, batch.done, batch.failed) == (5, 3, 2)
    assert batch.progress == 1.0
    assert batch.started_at and batch.finished_at >= batch.started_at
    assert batch.duration >= dt.timedelta(0)
    errors = batch.errors.splitlines()
    assert len(errors) == 2
    assert any(future.rec_name in e and "tomorrow" not in e
        for e in errors), errors
    assert any(posted.rec_name in e for e in errors), errors

    for invoice in drafts + [future]:
        invoice.reload()
    assert [i.state for i in drafts] == ['posted'] * 3
    assert future.state == 'draft'
    # the documents were stored by the tasks the chunk's commit queued
    assert all(i.mentorsig_document_sha256 for i in drafts)

    Notification = Model.get('res.notification')
    notification, = Notification.find([
            ('model', '=', 'mentorsig.invoice.batch')])
    assert json.loads(notification.records) == [batch.id]
    assert notification.user.id == config.user
    assert "3" in notification.description and "1" not in notification.label

    # The task run again (a retried task) finds the batch finished: the
    # counters do not move and nothing is posted twice
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.tests.test_tryton import DB_NAME
    with Transaction().start(DB_NAME, config.user, context=config.context):
        BatchModel = Pool().get('mentorsig.invoice.batch')
        BatchModel.run_post(BatchModel.browse([batch.id]),
            [i.id for i in drafts + [future]])
    batch.reload()
    assert (batch.queued, batch.done, batch.failed) == (5, 3, 2)
    moves = Model.get('account.move').find([
            ('origin', 'in', [str(i) for i in drafts])])
    assert len(moves) == 3


    # Each chunk commits with the counters: visible while the batch runs
    ids = small_drafts("Client Morceaux", 5, accounts)

    seen = []
    with Transaction().start(DB_NAME, config.user, context=config.context):
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        InvoiceModel = pool.get('account.invoice')
        with Transaction().new_transaction():
            batch, = Batch.create([{
                        'company': InvoiceModel(ids[0]).company.id,
                        'kind': 'post', 'queued': len(ids)}])
            batch_id = batch.id
        count = Batch.count

        def spy(batch_id_, done=0, failed=0, errors=None):
            # what another connection reads while this chunk runs: the
            # chunks before it, committed
            with Transaction().new_transaction():
                seen.append(Batch(batch_id_).done)
            count(batch_id_, done=done, failed=failed, errors=errors)
        Batch.count = spy
        try:
            Batch.run_post(Batch.browse([batch_id]), ids, size=2)
        finally:
            del Batch.count
        with Transaction().new_transaction():
            batch = Batch(batch_id)
            assert (batch.state, batch.done, batch.failed) == ('done', 5, 0)
    assert seen == [0, 2, 4]


def test_post_batch_of_a_request_runs_after_the_commit_in_a_thread():
    """Started by a request of the web client, without a worker, the batch
    is left to a thread of the server once the request commits (the host
    would run it before answering); outside a request, as the host does"""
    import threading

    from bench_books import open_books
    from mentorsig_suite import activate_suite
    from proteus import Model
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    config = activate_suite(create_company, create_chart)
    mentorsig = Model.get('mentorsig.configuration')(1)
    mentorsig.enabled = True
    mentorsig.save()
    _, accounts, _ = open_books()
    ids = small_drafts("Client Requête", 4, accounts)
    Invoice = Model.get('account.invoice')

    def post(ids, context):
        with Transaction().start(DB_NAME, config.user,
                context=context) as transaction:
            pool = Pool()
            Batch = pool.get('mentorsig.invoice.batch')
            InvoiceModel = pool.get('account.invoice')
            batch, = Batch.post_invoices(InvoiceModel.browse(ids))
            transaction.commit()
            left = list(transaction.tasks)
            transaction.tasks.clear()
            return batch.id, left

    # outside a request: the task is left to the caller, as the host does
    _, left = post(ids[:1], config.context)
    assert len(left) == 1

    # a request's: nothing left to the dispatcher, a thread runs it (but
    # on SQLite in memory, which another thread cannot reach)
    request_context = dict(config.context, _request={
            'remote_addr': '127.0.0.1', 'http_host': 'localhost'})
    batch_id, left = post(ids[1:], request_context)
    if DB_NAME == ':memory:':
        assert len(left) == 1
        return
    assert left == []
    threads = [t for t in threading.enumerate()
        if t.name == 'mentorsig-background']
    assert len(threads) == 1
    threads[0].join(300)
    assert not threads[0].is_alive()
    batch = Model.get('mentorsig.invoice.batch')(batch_id)
    assert (batch.state, batch.done, batch.failed) == ('done', 3, 0)
    posted = Invoice.find([('id', 'in', ids[1:])])
    assert {i.state for i in posted} == {'posted'}
    # the documents too: the tasks posting queued ran in the same thread
    assert all(i.mentorsig_document_sha256 for i in posted)
    assert Invoice(ids[0]).state == 'draft'
