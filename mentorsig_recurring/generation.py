# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Generation of the invoices of recurring templates, exactly once

Each template is generated in a transaction of its own that starts by
locking the template's row (on PostgreSQL, `SELECT ... FOR UPDATE NOWAIT`
through trytond's lock protocol) and reads its next date after the lock:
a second process (another cron, a user's Generate now) waits for the
first one's commit and then finds nothing due.  The invoices and the
template's next date commit together, so a crash leaves either both or
neither.  Under all that, the database refuses a second invoice of the
same template and period (a unique constraint on the invoice).

Then the drafts of the templates that post are posted through the bulk
path (mentorsig_post_bulk: the sequence and period locks up front, one
transaction per chunk); drafts left by a run that died before posting
are posted by the next run.  Emailing follows the posting
(mentorsig_invoice_email, see invoice_email.py).

A template that fails (an archived customer, a product without revenue
account, a refused posting) gets its error and is counted failed in the
run's batch record; the administrators are notified; the other templates
go on.
"""
import datetime as dt
import json
import logging
import random
import time

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

from . import recurrence
from .exceptions import RecurringGenerationError

logger = logging.getLogger(__name__)

# How long a process waits for another one that generates or posts the
# same records (lock not available, serialization failure), in attempts
# with a growing random pause of up to a second
LOCK_ATTEMPTS = 120


def _pause(attempt):
    time.sleep(random.uniform(0.05, min(1.0, 0.05 * (attempt + 1))))


class GenerationMixin:
    "Mixed into mentorsig.recurring.template by template.py"
    __slots__ = ()

    @classmethod
    def generate_due(cls):
        """The scheduler's task: generate what is due today for every
        company that enabled MentorSiG (or the context's company)"""
        pool = Pool()
        Company = pool.get('company.company')
        Configuration = pool.get('mentorsig.configuration')
        Date = pool.get('ir.date')
        company_id = Transaction().context.get('company')
        companies = ([Company(company_id)] if company_id
            else Company.search([]))
        for company in Configuration.enabled_companies(companies):
            with Transaction().set_context(company=company.id):
                today = Date.today()
                templates = cls.search([
                        ('company', '=', company.id),
                        ('state', '=', 'running'),
                        ('next_date', '<=', today),
                        ])
                cls.generate(templates, leftovers=[
                        ('recurring_template.company', '=', company.id)])

    @classmethod
    def generate(cls, templates, interactive=False, leftovers=None):
        """Generate the due invoices of templates, post those that post;
        the invoices made (ids of invoices committed by now)

        interactive: a user's Generate now; a template that fails raises
        its error when it is the only one.  leftovers: the domain of the
        drafts of earlier runs to post as well (their run died before)."""
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        Invoice = pool.get('account.invoice')
        by_company = {}
        for template in templates:
            by_company.setdefault(template.company, []).append(template.id)
        made = []
        for company, ids in by_company.items():
            if interactive:
                Configuration.check_enabled(company, gettext(
                        'mentorsig_recurring.msg_feature_recurring'))
            elif not Configuration.enabled_companies([company]):
                continue
            with Transaction().set_context(company=company.id):
                batch_id = cls._generation_batch(company, len(ids))
                started = dt.datetime.now()
                errors = {}
                made_here = []
                for template_id in ids:
                    try:
                        made_here += cls._generate_template(template_id)
                    except UserError as exception:
                        errors[template_id] = exception.message
                    except Exception as exception:
                        if isinstance(
                                exception, backend.DatabaseOperationalError):
                            raise
                        logger.exception(
                            "generating recurring template %s failed",
                            template_id)
                        errors[template_id] = '%s: %s' % (
                            exception.__class__.__name__, exception)
                domain = [('id', 'in', made_here)]
                if leftovers is not None:
                    domain = ['OR', domain, [
                            leftovers,
                            ('create_date', '<', started),
                            ]]
                cls._post_generated(domain, errors)
                cls._record_errors(batch_id, ids, errors)
                made += made_here
                if interactive and errors and len(ids) == 1:
                    raise RecurringGenerationError(errors[ids[0]])
        return Invoice.browse(made)

    @classmethod
    def _generation_batch(cls, company, count):
        "The batch record of a run, committed at once so that it shows"
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        with Transaction().new_transaction() as transaction, \
                without_check_access():
            batch, = Batch.create([{
                        'company': company.id,
                        'kind': 'recurring',
                        'state': 'running',
                        'queued': count,
                        'started_at': dt.datetime.now(),
                        }])
            return batch.id

    @classmethod
    def _generate_template(cls, template_id):
        """Generate the template's due periods in a transaction of its own
        that locks the template; the ids of the invoices made"""
        extras = {'_lock_records': {cls._table: [template_id]}}
        attempt = 0
        while True:
            try:
                with Transaction().new_transaction(**extras) as transaction:
                    try:
                        return cls(template_id)._generate()
                    except TransactionError as exception:
                        transaction.rollback()
                        exception.fix(extras)
                        continue
                    except Exception:
                        transaction.rollback()
                        raise
            except backend.DatabaseOperationalError:
                # another process has the template: its commit comes
                attempt += 1
                if attempt >= LOCK_ATTEMPTS:
                    raise
                _pause(attempt)

    def _generate(self):
        "Make the invoices of the due periods (the template is locked)"
        pool = Pool()
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        if self.state != 'running' or not self.next_date:
            return []
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
            remaining = self.remaining
            periods = recurrence.due_periods(
                next_date=self.next_date, today=today, remaining=remaining,
                **self._recurrence())
            if not periods:
                return []
            invoices = [self._get_invoice(start, end, today)
                for start, end in periods]
            Invoice.save(invoices)
            next_date = recurrence.following_date(
                periods[-1][0], **self._recurrence())
            if (next_date is None
                    or (remaining is not None
                        and remaining <= len(periods))):
                self.state = 'finished'
                next_date = None
            self.next_date = next_date
            self.error = None
            self.error_at = None
            self.save()
        return [i.id for i in invoices]

    def _get_invoice(self, start, end, today):
        "The draft invoice of the period from start to end, dated today"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        if not self.party.active:
            raise RecurringGenerationError(gettext(
                    'mentorsig_recurring.msg_customer_archived',
                    template=self.rec_name, party=self.party.rec_name))
        invoice = Invoice(
            company=self.company, type='out', party=self.party,
            currency=self.currency, invoice_date=today)
        invoice.on_change_type()
        if self.payment_term:
            invoice.payment_term = self.payment_term
        invoice.sales_rep = self.sales_rep
        invoice.description = self.name
        invoice.recurring_template = self
        invoice.recurring_period_start = start
        invoice.recurring_period_end = end
        invoice.comment = '\n'.join(filter(None, [
                    self.period_note(start, end), self.comment]))
        invoice.lines = [line._get_invoice_line(invoice, self)
            for line in self.lines]
        return invoice

    def period_note(self, start, end):
        "The period, in the customer's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        code = self.party.lang.code if self.party.lang else None
        lang = Lang.get(code)
        with Transaction().set_context(language=lang.code):
            return gettext(
                'mentorsig_recurring.msg_period_note',
                start=lang.strftime(start), end=lang.strftime(end))

    @classmethod
    def _post_generated(cls, domain, errors):
        """Post the drafts of the domain whose template posts; a refusal
        goes to its template's errors"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        attempt = 0
        while True:
            with Transaction().new_transaction():
                drafts = Invoice.search([
                        domain,
                        ('state', '=', 'draft'),
                        ('recurring_template.generation', '!=', 'draft'),
                        ], order=[('id', 'ASC')])
                templates = {i.id: i.recurring_template.id for i in drafts}
                ids = list(templates)
            if not ids:
                return
            refused = {}
            try:
                # read in a transaction that sees the drafts just
                # committed (the caller's may not, on PostgreSQL)
                with Transaction().new_transaction():
                    Invoice.mentorsig_post_bulk(
                        Invoice.browse(ids), errors=refused)
            except backend.DatabaseOperationalError:
                # another process posts: the sequences are locked
                attempt += 1
                if attempt >= LOCK_ATTEMPTS:
                    raise
                _pause(attempt)
                continue
            for invoice_id, message in refused.items():
                errors.setdefault(templates[invoice_id], message)
            return

    @classmethod
    def _record_errors(cls, batch_id, template_ids, errors):
        """The errors on their templates and in the batch; the batch done;
        the administrators told of the failures"""
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        attempt = 0
        while True:
            try:
                with Transaction().new_transaction(), \
                        without_check_access():
                    now = dt.datetime.now()
                    failed = cls.browse(list(errors))
                    for template in failed:
                        template.error = errors[template.id]
                        template.error_at = now
                    cls.save(failed)
                    Batch.count(
                        batch_id, done=len(template_ids) - len(errors),
                        failed=len(errors),
                        errors=['%s: %s' % (t.rec_name, errors[t.id])
                            for t in failed])
                    Batch.finish(batch_id)
                    if failed:
                        cls._notify_administrators(failed)
                return
            except backend.DatabaseOperationalError:
                attempt += 1
                if attempt >= LOCK_ATTEMPTS:
                    raise
                _pause(attempt)

    @classmethod
    def _notify_administrators(cls, failed):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        group = ModelData.get_id('mentorsig_invoicing', 'group_mentorsig_admin')
        users = User.search([('groups', '=', group)])
        Notification.create([{
                    'user': user.id,
                    'label': gettext(
                        'mentorsig_recurring.msg_generation_failed',
                        count=len(failed)),
                    'description': ', '.join(t.rec_name for t in failed),
                    'icon': 'tryton-warning',
                    'model': cls.__name__,
                    'records': json.dumps([t.id for t in failed]),
                    } for user in users])
