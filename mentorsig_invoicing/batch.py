# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Batches: a mass operation on invoices (post, send by email) and how
far it is

A batch is created when the user starts the operation from the invoice
list, and worked through by a task of the queue (trytond-worker, or after
the commit of the request without a worker, as the host runs its tasks).
The work commits by chunks, each chunk with the batch's counters: a user
who reloads the batch sees them grow.  When the batch is finished, the
user who started it gets one of the host's notifications.
"""
import datetime as dt
import json

from sql import Literal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateAction, Wizard

from .access import check_records
from .background import background
from .exceptions import BatchError

KINDS = [
    ('post', "Post"),
    ('email', "Send by Email"),
    ]
STATES = [
    ('queued', "Queued"),
    ('running', "Running"),
    ('done', "Done"),
    ('failed', "Failed"),
    ]
# invoices posted per commit: the counters a user watches grow by this
CHUNK = 50


class InvoiceBatch(ModelSQL, ModelView):
    __name__ = 'mentorsig.invoice.batch'
    __string__ = "Invoice Batch"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    queued = fields.Integer(
        "Queued", readonly=True,
        help="The invoices the batch works on.")
    done = fields.Integer("Done", readonly=True)
    failed = fields.Integer("Failed", readonly=True)
    progress = fields.Function(fields.Float("Progress"), 'get_progress')
    errors = fields.Text(
        "Errors", readonly=True,
        help="Why each failed invoice failed, one a line.")
    started_at = fields.Timestamp("Started at", readonly=True)
    finished_at = fields.Timestamp("Finished at", readonly=True)
    duration = fields.Function(
        fields.TimeDelta("Duration"), 'get_duration')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_queued(cls):
        return 0

    @classmethod
    def default_done(cls):
        return 0

    @classmethod
    def default_failed(cls):
        return 0

    def get_progress(self, name):
        if not self.queued:
            return 1.0 if self.state in {'done', 'failed'} else 0.0
        return min(1.0, ((self.done or 0) + (self.failed or 0)) / self.queued)

    def get_duration(self, name):
        if self.started_at:
            return (self.finished_at or dt.datetime.now()) - self.started_at

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[self.kind]
        return '%s #%s' % (kind, self.id)

    @classmethod
    def _start(cls, batch):
        """Mark the batch running, in a transaction of its own; False when
        another run has it already (a task run twice)"""
        table = cls.__table__()
        with Transaction().new_transaction() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update(
                    [table.state, table.started_at],
                    ['running', dt.datetime.now()],
                    where=(table.id == batch.id)
                    & (table.state == 'queued')))
            return bool(cursor.rowcount)

    @classmethod
    def count(cls, batch_id, done=0, failed=0, errors=None):
        """Add to the counters of the batch in the current transaction; in
        SQL, so that tasks running at once (one per email) lose nothing"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.done, table.failed],
                [table.done + Literal(done), table.failed + Literal(failed)],
                where=table.id == batch_id))
        if errors:
            batch = cls(batch_id)
            with without_check_access():
                cls.write([batch], {
                        'errors': '\n'.join(
                            filter(None, [batch.errors] + list(errors))),
                        })

    @classmethod
    def finish(cls, batch_id):
        """The batch is done (failed when nothing in it succeeded) once
        every invoice is counted: its user is notified"""
        pool = Pool()
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        batch = cls(batch_id)
        if (batch.state in {'done', 'failed'}
                or batch.done + batch.failed < batch.queued):
            return
        state = 'failed' if batch.failed and not batch.done else 'done'
        with without_check_access():
            cls.write([batch], {
                    'state': state,
                    'finished_at': dt.datetime.now(),
                    })
            Notification.create([{
                        'user': batch.create_uid.id,
                        'label': gettext(
                            'mentorsig_invoicing.msg_batch_finished',
                            batch=batch.rec_name),
                        'description': gettext(
                            'mentorsig_invoicing.msg_batch_counters',
                            done=batch.done, failed=batch.failed),
                        'icon': 'tryton-ok' if not batch.failed
                        else 'tryton-warning',
                        'model': cls.__name__,
                        'records': json.dumps([batch.id]),
                        'action': ModelData.get_id(
                            'mentorsig_invoicing', 'act_invoice_batch_form'),
                        }])

    @classmethod
    def open_running(cls, company, kind, queued, failures=()):
        """A batch of `kind` running already (its tasks queued by the
        caller, each counting itself): `queued` invoices, the `failures`
        (messages) counted failed at once"""
        with without_check_access():
            batch, = cls.create([{
                        'company': company.id,
                        'kind': kind,
                        'state': 'running',
                        'started_at': dt.datetime.now(),
                        'queued': queued,
                        'failed': len(failures),
                        'errors': '\n'.join(failures),
                        }])
        return batch

    @classmethod
    def post_invoices(cls, invoices):
        """Create a posting batch per company of the invoices and queue
        its task; the batches"""
        by_company = {}
        for invoice in invoices:
            by_company.setdefault(invoice.company, []).append(invoice)
        batches = []
        for company, company_invoices in by_company.items():
            drafts = [i for i in company_invoices
                if i.state in {'draft', 'validated'}]
            others = [i for i in company_invoices if i not in drafts]
            with without_check_access():
                batch, = cls.create([{
                            'company': company.id,
                            'kind': 'post',
                            'queued': len(company_invoices),
                            'failed': len(others),
                            'errors': '\n'.join(gettext(
                                    'mentorsig_invoicing.msg_batch_not_draft',
                                    invoice=i.rec_name) for i in others),
                            }])
            batches.append(batch)
            with Transaction().set_context(
                    company=company.id, queue_name='mentorsig_batch'), \
                    background():
                cls.__queue__.run_post([batch], [i.id for i in drafts])
        return batches

    @classmethod
    def run_post(cls, batches, invoice_ids, size=CHUNK):
        "The task: post the invoices by chunks, counting as it goes"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        for batch in batches:
            if not cls._start(batch):
                continue
            batch_id = batch.id
            with Transaction().set_context(company=batch.company.id):
                invoices = Invoice.browse(invoice_ids)
                errors = _NamedErrors({i.id: i.rec_name for i in invoices})

                def on_chunk(posted, failed):
                    cls.count(batch_id, done=len(posted),
                        failed=len(failed),
                        errors=[errors[i] for i in failed])
                Invoice.mentorsig_post_bulk(
                    invoices, size=size, errors=errors, on_chunk=on_chunk)
            with Transaction().new_transaction():
                cls.finish(batch_id)


class _NamedErrors(dict):
    "Errors of invoices, each message prefixed with its invoice's name"

    def __init__(self, names):
        super().__init__()
        self.names = names

    def __setitem__(self, invoice_id, message):
        super().__setitem__(invoice_id, '%s: %s' % (
                self.names.get(invoice_id, invoice_id), message))


class PostInvoiceBatch(Wizard):
    "Post the selected invoices through a batch, and open it"
    __name__ = 'mentorsig.invoice.batch.post'

    start = StateAction('mentorsig_invoicing.act_invoice_batch_form')

    def do_start(self, action):
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        invoices = list(self.records)
        if not invoices:
            raise BatchError(gettext('mentorsig_invoicing.msg_batch_empty'))
        # the task posts as the host's Post button does: only those who
        # may click it, on invoices they may change
        check_records(invoices, mode='write')
        groups = Button.get_groups('account.invoice', 'post')
        if (Transaction().user and groups
                and not groups & set(User.get_groups())):
            raise BatchError(gettext('mentorsig_invoicing.msg_batch_access'))
        batches = Batch.post_invoices(invoices)
        ids = [b.id for b in batches]
        action['domain'] = PYSONEncoder().encode([('id', 'in', ids)])
        if len(ids) == 1:
            action['res_id'] = ids
            action['views'].reverse()
        return action, {}
