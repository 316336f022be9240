# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Sending invoices by email, on the host's `ir.email.template` / `ir.email`

The templates are host records (editable under Administration > Models >
Email Templates and MentorSiG > Configuration), translated per language,
and the sao "Email" button lists them as well.  What we add: placeholders
formatted in the customer's language, the stored PDF attached byte for
byte, a preview wizard, mass sending through the task queue with a
per-invoice status, and sending on posting per customer.

Why we deliver ourselves rather than through `ir.email.send`: the host
sends after the commit (`send_message_transactional`), where a refused
recipient is only logged; we need the SMTP answer to record it on the
invoice.  So the server accepts sender and recipients inside the
transaction and the message itself after the commit (delivery.py): every
email exactly once, a retried task sends nothing twice.  The server is
still the host's `[email] uri` (`trytond.sendmail.get_smtp_server`).

The templates used by default are chosen per company in the MentorSiG
configuration (configuration.py), the shipped ones unless changed.
"""
import datetime as dt
import logging
import smtplib
from contextlib import contextmanager
from functools import partial
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

import trytond.config as config
from trytond import backend
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction, TransactionError
from trytond.url import host

from . import email_rules
from .delivery import new_message_id, start_delivery
from .configuration import EMAIL_TEMPLATES
from .exceptions import InvoiceEmailError
from .failure import failure, failure_text

logger = logging.getLogger(__name__)
EMAIL_STATES = [
    (None, ""),
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ]


def smtp_error_text(exception):
    "A user-readable text of an SMTP or connection failure"
    return failure_text(smtp_failure(exception))


def smtp_failure(exception):
    "The failure to store of an SMTP or connection error (see failure.py)"
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return failure('mentorsig_invoice_email.msg_invoice_email_refused',
            recipients='; '.join(
                '%s (%s %s)' % (address, code, (
                        message.decode('utf-8', 'replace')
                        if isinstance(message, bytes) else message))
                for address, (code, message)
                in exception.recipients.items()))
    if isinstance(exception, smtplib.SMTPResponseException):
        message = exception.smtp_error
        if isinstance(message, bytes):
            message = message.decode('utf-8', 'replace')
        return failure('mentorsig_invoice_email.msg_invoice_email_smtp_error',
            error='%s %s' % (exception.smtp_code, message))
    return failure('mentorsig_invoice_email.msg_invoice_email_server_error',
        error=str(exception) or exception.__class__.__name__)


@contextmanager
def savepoint(name):
    """Undo what the block wrote to the database when it raises

    The host has no savepoint API; SQLite and PostgreSQL both speak SQL
    SAVEPOINT.  The records cached by the transaction are dropped, as a
    rollback does.
    """
    transaction = Transaction()
    connection = transaction.connection
    cursor = connection.cursor()
    if getattr(connection, 'in_transaction', True) is False:
        # SQLite: a SAVEPOINT outside a transaction would open a deferred
        # one that its RELEASE commits; open trytond's immediate one
        cursor.execute('BEGIN IMMEDIATE')
    cursor.execute('SAVEPOINT "%s"' % name)
    logs = len(transaction.log_records)
    managers = len(transaction._datamanagers)
    try:
        yield
    except Exception:
        cursor.execute('ROLLBACK TO SAVEPOINT "%s"' % name)
        del transaction.log_records[logs:]
        # an email started in the block is not finished at the commit
        for manager in transaction._datamanagers[managers:]:
            manager.tpc_abort(transaction)
        del transaction._datamanagers[managers:]
        for cache in transaction.cache.values():
            cache.clear()
        raise
    else:
        cursor.execute('RELEASE SAVEPOINT "%s"' % name)


def deliver(message):
    """Send `message` now through the host's `[email] uri`

    Raises smtplib.SMTPRecipientsRefused when any recipient is refused,
    even if others were accepted: the invoice then shows the failure.
    """
    if not message['Message-ID']:
        message['Message-ID'] = make_msgid(domain=host())
    if not message['Date']:
        message['Date'] = formatdate(localtime=True)
    server = get_smtp_server(strict=True)
    try:
        refused = server.send_message(message)
    finally:
        try:
            server.quit()
        except smtplib.SMTPException:
            pass
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    sent_emails = fields.One2Many(
        'ir.email', 'resource', "Emails", readonly=True,
        help="The emails sent for the invoice, the latest first.")
    email_state = fields.Selection(
        EMAIL_STATES, "Email Status", readonly=True, sort=False,
        help="Where the last sending of the invoice by email stands.")
    email_sent_at = fields.DateTime(
        "Last Emailed", readonly=True,
        help="When the invoice was last sent by email.")
    email_sent_to = fields.Char(
        "Last Emailed To", readonly=True,
        help="The addresses the last email of the invoice went to.")
    email_error = fields.Function(fields.Text(
            "Last Email Error",
            states={
                'invisible': ~Eval('email_error'),
                },
            help="Why the last sending failed, in your language."),
        'get_email_error')
    email_failure = fields.Text(
        "Last Email Failure", readonly=True,
        help="Why the last sending failed, as its message and values.")
    email_message_id = fields.Char(
        "Email Message-ID", readonly=True,
        help="The Message-ID of the last email of the invoice, fixed when "
        "it is queued: a retried sending sends the same message once.")
    payment_receipt_sent_at = fields.DateTime(
        "Payment Receipt Emailed", readonly=True,
        help="When the payment receipt was sent to the customer by itself: "
        "it is sent only once.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {
            'sent_emails', 'email_state',
            'email_sent_at', 'email_sent_to', 'email_failure',
            'email_message_id', 'payment_receipt_sent_at'}
        cls._buttons.update({
                'mentorsig_email': {
                    'invisible': (
                        (Eval('type') != 'out')
                        | (Eval('state') == 'cancelled')),
                    'depends': ['type', 'state'],
                    },
                })

    def get_email_error(self, name):
        return failure_text(self.email_failure)

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in ('sent_emails', 'email_state',
                'email_sent_at', 'email_sent_to', 'email_failure',
                'email_message_id', 'payment_receipt_sent_at'):
            default.setdefault(name, None)
        return super().copy(invoices, default=default)

    @classmethod
    @ModelView.button_action('mentorsig_invoice_email.wizard_invoice_email')
    def mentorsig_email(cls, invoices):
        pass

    # What is sent

    def mentorsig_email_check(self, mass=False):
        "Raise InvoiceEmailError when the invoice cannot be sent"
        if self.type != 'out':
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_not_customer',
                    invoice=self.rec_name)
        if self.state == 'cancelled':
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_cancelled',
                    invoice=self.rec_name)
        if mass and self.state not in {'posted', 'paid'}:
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_not_posted',
                    invoice=self.rec_name)

    def _mentorsig_email_contacts(self):
        return [m for m in self.party.contact_mechanisms
            if m.type == 'email' and m.active]

    def mentorsig_email_recipients(self):
        "The customer's addresses for invoices, as (name, email)"
        recipients = email_rules.choose_recipients(
            [(m.type, m.value, m.name, getattr(m, 'invoice', False))
                for m in self._mentorsig_email_contacts()],
            self.party.rec_name)
        if not recipients:
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_no_address',
                    invoice=self.rec_name, party=self.party.rec_name)
        return recipients

    def mentorsig_email_lang(self):
        "The ir.lang to write to the customer in"
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Lang = pool.get('ir.lang')
        contacts = self._mentorsig_email_contacts()
        flagged = [c for c in contacts if getattr(c, 'invoice', False)]
        for contact in flagged or contacts[:1]:
            if getattr(contact, 'language', None):
                return contact.language
        for lang in (self.party.lang, self.company.party.lang):
            if lang:
                return lang
        return Lang.get(Configuration.get_language())

    def mentorsig_email_template(self, kind=None):
        """The company's template of `kind` (invoice, credit_note, receipt),
        by default the kind that fits the invoice (overridable)"""
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        if kind is None:
            kind = email_rules.template_kind(
                getattr(self, 'mentorsig_kind', None), self.state,
                self.total_amount)
        field, xml_id = EMAIL_TEMPLATES[kind]
        template = Configuration(1).get_multivalue(
            field, company=self.company.id)
        if template:
            return template
        try:
            return Template(ModelData.get_id('mentorsig_invoice_email', xml_id))
        except KeyError:
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_no_template',
                    invoice=self.rec_name)

    def _mentorsig_email_extra_placeholders(self):
        """Placeholders other modules add, as {name: text}

        mentorsig_payment_links returns the invoice's payment link here.
        """
        return {}

    def mentorsig_email_placeholders(self, language):
        maturities = [l.maturity_date for l in (self.lines_to_pay or [])
            if l.maturity_date and not l.reconciliation]
        sign = -1 if (self.total_amount or 0) < 0 else 1
        total = self.total_amount or 0
        amount_due = (self.amount_to_pay or 0
            if self.state in {'posted', 'paid'} else total)
        return email_rules.placeholders(
            language, self.currency.code,
            customer=self.party.rec_name,
            number=self.number or '',
            invoice_date=self.invoice_date,
            amount=total * sign,
            amount_due=amount_due * sign,
            amount_paid=(total - amount_due) * sign,
            due_date=min(maturities) if maturities else None,
            company=self.company.rec_name,
            reference=self.reference or '',
            extra=self._mentorsig_email_extra_placeholders())

    def mentorsig_email_render(self, template):
        "Recipients, subject, body (HTML) and language of the email"
        lang = self.mentorsig_email_lang()
        code = lang.code if lang else 'en'
        values = self.mentorsig_email_placeholders(code)
        Template = template.__class__
        with Transaction().set_context(language=code):
            template = Template(template.id)
            try:
                subject = email_rules.render(template.subject, values)
                body = email_rules.render(
                    template.body, values, html_escape=True)
            except email_rules.PlaceholderError as exception:
                raise InvoiceEmailError.of(
                        'mentorsig_invoice_email.msg_invoice_email_placeholder',
                        template=template.rec_name, name=exception.name,
                        names=', '.join(sorted(values))) from exception
            except email_rules.TemplateSyntaxError as exception:
                raise InvoiceEmailError.of(
                        'mentorsig_invoice_email.msg_invoice_email_template',
                        template=template.rec_name,
                        error=str(exception)) from exception
        return {
            'to': ', '.join(email_rules.format_recipient(n, a)
                for n, a in self.mentorsig_email_recipients()),
            'subject': subject,
            'body': body,
            'language': code,
            'attachment_name': email_rules.attachment_name(
                self.mentorsig_kind_of_document(), self.number or '', code),
            }

    def mentorsig_email_message(self, to, subject, body, attachment_name,
            cc=''):
        """The email: text and HTML bodies, the PDF as it is stored (none
        without `attachment_name`)"""
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        message = EmailMessage()
        message.set_content(email_rules.html_to_text(body))
        message.add_alternative(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
            '<body>%s</body></html>' % body, subtype='html')
        if attachment_name:
            message.add_attachment(
                self.mentorsig_pdf(), maintype='application', subtype='pdf',
                filename=attachment_name)
        company_sender = self._mentorsig_email_sender()
        if company_sender:
            # every message of the company comes from its own address
            set_from_header(message, company_sender, company_sender)
        else:
            from_ = config.get('email', 'from')
            set_from_header(message, from_, user.email or from_)
        message['To'] = to
        if cc:
            message['Cc'] = cc
        message['Subject'] = subject
        return message

    def _mentorsig_email_sender(self):
        "The sender set in the MentorSiG configuration of the company"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        return Configuration(1).get_multivalue(
            'email_sender', company=self.company.id)

    def mentorsig_email_deliver(self, message, body):
        """Log the message on the invoice as sent; the server takes it
        after the commit (delivery.py), refusals of addresses raise now"""
        pool = Pool()
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        if not message['Message-ID']:
            message['Message-ID'] = (self.email_message_id
                if self.email_state == 'queued' and self.email_message_id
                else new_message_id())
        if not message['Date']:
            message['Date'] = formatdate(localtime=True)
        # the addresses refused before anything is written
        pending = start_delivery(message)
        try:
            email = Email.from_message(message, body=body, resource=self)
            email.save()
            for part in message.iter_attachments():
                Attachment(resource=email, name=part.get_filename(),
                    data=part.get_content()).save()
            self.email_state = 'sent'
            self.email_sent_at = dt.datetime.now()
            self.email_failure = None
            self.email_sent_to = ', '.join(address
                for _, address in getaddresses([message['To'] or ''])
                if address)
            self.email_message_id = message['Message-ID']
            self.save()
        except BaseException:
            pending.abort()
            raise
        pending.on_failure = partial(
            self.__class__._mentorsig_email_refused_after_commit,
            self.id, email.id)
        # finished by the commit, after it
        Transaction().join(pending)
        return email

    @classmethod
    def _mentorsig_email_refused_after_commit(
            cls, invoice_id, email_id, transaction, exception):
        "The server refused the message at its end: the invoice says so"
        pool = Pool()
        Email = pool.get('ir.email')
        with transaction.new_transaction():
            Email.delete(Email.browse([email_id]))
            cls(invoice_id)._mentorsig_email_failed(
                smtp_failure(exception))

    def mentorsig_email_send(self, template=None, attach=True):
        "Render and send with the default (or given) template"
        self.mentorsig_email_check()
        values = self.mentorsig_email_render(
            template or self.mentorsig_email_template())
        message = self.mentorsig_email_message(
            values['to'], values['subject'], values['body'],
            values['attachment_name'] if attach else None)
        return self.mentorsig_email_deliver(message, values['body'])

    # Mass sending through the queue

    @classmethod
    def mentorsig_email_queue(cls, invoices, template=None, receipt=False,
            batch=None):
        """Queue one task per invoice, its Message-ID fixed now; return
        the invoices queued.  With `batch` (a mentorsig.invoice.batch),
        each task counts its invoice in the batch's counters."""
        message_ids = {i.id: new_message_id() for i in invoices}
        to_write = []
        for invoice in invoices:
            to_write.extend(([invoice], {
                        'email_state': 'queued',
                        'email_failure': None,
                        'email_message_id': message_ids[invoice.id],
                        }))
        if to_write:
            cls.write(*to_write)
        template_id = template.id if template else None
        kwargs = {'receipt': True} if receipt else {}
        if batch:
            kwargs['batch_id'] = batch.id
        with Transaction().set_context(queue_name='mentorsig_email'):
            for invoice in invoices:
                cls.__queue__.mentorsig_email_task(
                    [invoice], template_id, message_ids={
                        str(invoice.id): message_ids[invoice.id]},
                    **kwargs)
        return invoices

    @classmethod
    def mentorsig_email_task(cls, invoices, template_id=None, receipt=False,
            message_ids=None, batch_id=None):
        """Send each invoice still queued with its Message-ID; a failure is
        recorded on that invoice only

        With `receipt`, the payment receipt of invoices just paid.  A task
        run again (retried, or resumed after its worker died) finds its
        invoices sent and sends nothing; one whose invoice was queued
        again since leaves it to the newer task.  With `batch_id`, the
        outcome of each invoice sent goes to the batch's counters, in the
        transaction that records it on the invoice: a task run again
        counts nothing twice.
        """
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        Template = pool.get('ir.email.template')
        done, failed = 0, []
        template = Template(template_id) if template_id else None
        message_ids = message_ids or {}
        # Lock first, so that a concurrent task for the same invoice fails
        # this transaction before anything is sent (and it is retried)
        cls.lock(invoices)
        for invoice in cls.browse([i.id for i in invoices]):
            expected = message_ids.get(str(invoice.id))
            if invoice.email_state != 'queued' or (
                    expected and invoice.email_message_id != expected):
                continue
            error = None
            try:
                with savepoint('mentorsig_email'):
                    try:
                        if receipt:
                            invoice._mentorsig_receipt_send(template)
                        else:
                            invoice.mentorsig_email_send(template)
                    except InvoiceEmailError as exception:
                        error = exception.failure or exception.message
                    except (smtplib.SMTPException, OSError) as exception:
                        error = smtp_failure(exception)
            except (TransactionError, backend.DatabaseOperationalError):
                raise  # the worker starts the task again
            except Exception as exception:
                # Anything else (a template expression that raises, a
                # bug): what this invoice's sending wrote is undone, not
                # the whole task, so that the invoice does not stay
                # queued for ever and the next ones go; the traceback goes
                # to the worker's log, the cause to the invoice
                logger.exception("emailing invoice %s failed", invoice.id)
                error = failure(
                    'mentorsig_invoice_email.msg_invoice_email_unexpected',
                    error='%s: %s' % (
                        exception.__class__.__name__, exception))
            if error is not None:
                cls(invoice.id)._mentorsig_email_failed(error)
                failed.append(
                    '%s: %s' % (invoice.rec_name, failure_text(error)))
            else:
                done += 1
        if batch_id and (done or failed):
            Batch.count(batch_id, done=done, failed=len(failed),
                errors=failed)
            Batch.finish(batch_id)

    def _mentorsig_email_failed(self, error):
        "Record a failure: stored by failure(), or a text"
        self.email_state = 'failed'
        self.email_failure = error
        self.save()

    @classmethod
    def mentorsig_email_resume(cls, stalled_after=None):
        """Queue again the sending tasks whose worker died (cron)

        trytond's worker marks a task dequeued when it takes it, in a
        commit of its own: a worker killed while sending leaves the task
        dequeued and unfinished for ever.  Its invoices are still queued
        (nothing of the task was committed) and the server discarded the
        unfinished message: the task goes back to the queue.  A task
        still running when it is resumed is harmless: it runs once more
        and finds its invoices sent.
        """
        pool = Pool()
        Queue = pool.get('ir.queue')
        if stalled_after is None:
            stalled_after = config.getint(
                'mentorsig', 'email_stalled_after', default=300)
        limit = dt.datetime.now() - dt.timedelta(seconds=stalled_after)
        tasks = Queue.search([
                ('name', '=', 'mentorsig_email'),
                ('dequeued_at', '<', limit),
                ('finished_at', '=', None),
                ])
        to_resume, to_finish = [], []
        for task in tasks:
            data = task.data or {}
            if data.get('method') != 'mentorsig_email_task':
                continue
            ids = data.get('instances')
            ids = [ids] if isinstance(ids, int) else list(ids or [])
            message_ids = (data.get('kwargs') or {}).get('message_ids') or {}
            if any(i.email_state == 'queued' and (
                        not message_ids.get(str(i.id))
                        or message_ids[str(i.id)] == i.email_message_id)
                    for i in cls.search([('id', 'in', ids)])):
                to_resume.append(task)
            else:
                to_finish.append(task)
        if to_resume:
            Queue.write(to_resume, {'dequeued_at': None})
            transaction = Transaction()
            if transaction.database.has_channel():
                transaction.database.notify(
                    transaction.connection, Queue.__name__, '')
            logger.info("%d stalled email tasks queued again",
                len(to_resume))
        if to_finish:
            Queue.write(to_finish, {'finished_at': dt.datetime.now()})

    def _mentorsig_receipt_send(self, template=None):
        "Send the payment receipt, once and while the invoice is paid"
        if self.state != 'paid' or self.payment_receipt_sent_at:
            # Paid again (a payment cancelled then made again) or not paid
            # any more: the customer has nothing new to read
            self.email_state = (
                'sent' if self.email_sent_at else None)
            self.save()
            return
        # Nothing attached: the customer has the invoice already, and a
        # second copy of a PDF that shows an amount due reads like a new
        # bill; the receipt names the invoice and the amount paid
        self.mentorsig_email_send(
            template or self.mentorsig_email_template('receipt'),
            attach=False)
        self.payment_receipt_sent_at = self.email_sent_at
        self.save()

    @classmethod
    def paid(cls, invoices):
        unpaid = [i.id for i in invoices if i.state != 'paid']
        super().paid(invoices)
        cls._mentorsig_receipt_on_paid(unpaid)

    @classmethod
    def _mentorsig_receipt_on_paid(cls, ids):
        """Queue the payment receipt of the customer invoices just paid
        whose customer wants them, never twice for one invoice"""
        to_queue = cls._mentorsig_customer_wants(
            [i for i in cls.browse(ids)
                if i.type == 'out' and i.state == 'paid'
                and (i.total_amount or 0) > 0
                and not i.payment_receipt_sent_at],
            'email_payment_receipts')
        if to_queue:
            cls.mentorsig_email_queue(to_queue, receipt=True)

    @classmethod
    def _mentorsig_customer_wants(cls, invoices, option):
        """The invoices whose customer set option for the invoice's company,
        of the companies that enabled MentorSiG"""
        return [i for i in cls.mentorsig_enabled(invoices)
            if i.party.get_multivalue(option, company=i.company.id)]

    @classmethod
    def mentorsig_store_documents(cls, invoices):
        super().mentorsig_store_documents(invoices)
        # Once the document is stored, it can go out by itself
        cls._mentorsig_email_on_posting(invoices)

    @classmethod
    def _mentorsig_email_on_posting(cls, invoices):
        "Queue the invoices of customers who want them emailed"
        to_queue = cls._mentorsig_customer_wants(
            [i for i in cls.browse(invoices)
                if i.type == 'out' and i.state in {'posted', 'paid'}
                and not i.email_state
                and not i.email_sent_at],
            'email_invoices')
        if to_queue:
            cls.mentorsig_email_queue(to_queue)
