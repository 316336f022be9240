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
recipient is only logged; we need the SMTP answer inside the transaction
to record it on the invoice.  The server is still the host's
`[email] uri` (`trytond.sendmail.get_smtp_server`).
"""
import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction
from trytond.url import host
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import email_rules
from .exceptions import InvoiceEmailError

TEMPLATES = {
    'invoice': 'email_template_invoice',
    'credit_note': 'email_template_credit_note',
    'receipt': 'email_template_receipt',
    }
EMAIL_STATES = [
    (None, ""),
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ]


def smtp_error_text(exception):
    "A user-readable text of an SMTP or connection failure"
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return gettext('mentorsig_invoicing.msg_invoice_email_refused',
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
        return gettext('mentorsig_invoicing.msg_invoice_email_smtp_error',
            error='%s %s' % (exception.smtp_code, message))
    return gettext('mentorsig_invoicing.msg_invoice_email_server_error',
        error=str(exception) or exception.__class__.__name__)


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

    mentorsig_emails = fields.One2Many(
        'ir.email', 'resource', "Emails", readonly=True,
        help="The emails sent for the invoice, the latest first.")
    mentorsig_email_state = fields.Selection(
        EMAIL_STATES, "Email Status", readonly=True, sort=False,
        help="Where the last sending of the invoice by email stands.")
    mentorsig_email_sent_at = fields.DateTime(
        "Last Emailed", readonly=True,
        help="When the invoice was last sent by email.")
    mentorsig_email_error = fields.Text(
        "Last Email Error", readonly=True,
        states={
            'invisible': ~Eval('mentorsig_email_error'),
            },
        help="Why the last sending failed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {
            'mentorsig_emails', 'mentorsig_email_state',
            'mentorsig_email_sent_at', 'mentorsig_email_error'}
        cls._buttons.update({
                'mentorsig_email': {
                    'invisible': (
                        (Eval('type') != 'out')
                        | (Eval('state') == 'cancelled')),
                    'depends': ['type', 'state'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in ('mentorsig_emails', 'mentorsig_email_state',
                'mentorsig_email_sent_at', 'mentorsig_email_error'):
            default.setdefault(name, None)
        return super().copy(invoices, default=default)

    @classmethod
    @ModelView.button_action('mentorsig_invoicing.wizard_invoice_email')
    def mentorsig_email(cls, invoices):
        pass

    # What is sent

    def mentorsig_email_check(self, mass=False):
        "Raise InvoiceEmailError when the invoice cannot be sent"
        if self.type != 'out':
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_not_customer',
                    invoice=self.rec_name))
        if self.state == 'cancelled':
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_cancelled',
                    invoice=self.rec_name))
        if mass and self.state not in {'posted', 'paid'}:
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_not_posted',
                    invoice=self.rec_name))

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
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_no_address',
                    invoice=self.rec_name, party=self.party.rec_name))
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

    def mentorsig_email_template(self):
        "The shipped template that fits the invoice (overridable)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        key = email_rules.template_kind(
            getattr(self, 'mentorsig_kind', None), self.state,
            self.total_amount)
        try:
            return Template(ModelData.get_id(
                    'mentorsig_invoicing', TEMPLATES[key]))
        except KeyError:
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_no_template',
                    invoice=self.rec_name))

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
                raise InvoiceEmailError(gettext(
                        'mentorsig_invoicing.msg_invoice_email_placeholder',
                        template=template.rec_name, name=exception.name,
                        names=', '.join(sorted(values)))) from exception
            except email_rules.TemplateSyntaxError as exception:
                raise InvoiceEmailError(gettext(
                        'mentorsig_invoicing.msg_invoice_email_template',
                        template=template.rec_name,
                        error=str(exception))) from exception
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
        "The email: text and HTML bodies, the PDF as it is stored"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        message = EmailMessage()
        message.set_content(email_rules.html_to_text(body))
        message.add_alternative(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
            '<body>%s</body></html>' % body, subtype='html')
        message.add_attachment(
            self.mentorsig_pdf(), maintype='application', subtype='pdf',
            filename=attachment_name)
        from_ = config.get('email', 'from')
        set_from_header(message, from_, user.email or from_)
        message['To'] = to
        if cc:
            message['Cc'] = cc
        message['Subject'] = subject
        return message

    def mentorsig_email_deliver(self, message, body):
        "Send the message now and log it on the invoice"
        pool = Pool()
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        deliver(message)
        email = Email.from_message(message, body=body, resource=self)
        email.save()
        for part in message.iter_attachments():
            Attachment(resource=email, name=part.get_filename(),
                data=part.get_content()).save()
        self.mentorsig_email_state = 'sent'
        self.mentorsig_email_sent_at = dt.datetime.now()
        self.mentorsig_email_error = None
        self.save()
        return email

    def mentorsig_email_send(self, template=None):
        "Render and send with the default (or given) template"
        self.mentorsig_email_check()
        values = self.mentorsig_email_render(
            template or self.mentorsig_email_template())
        message = self.mentorsig_email_message(
            values['to'], values['subject'], values['body'],
            values['attachment_name'])
        return self.mentorsig_email_deliver(message, values['body'])

    # Mass sending through the queue

    @classmethod
    def mentorsig_email_queue(cls, invoices, template=None):
        "Queue one task per invoice; return the invoices queued"
        cls.write(invoices, {
                'mentorsig_email_state': 'queued',
                'mentorsig_email_error': None,
                })
        template_id = template.id if template else None
        with Transaction().set_context(queue_name='mentorsig_email'):
            for invoice in invoices:
                cls.__queue__.mentorsig_email_task([invoice], template_id)
        return invoices

    @classmethod
    def mentorsig_email_task(cls, invoices, template_id=None):
        "Send each invoice; a failure is recorded on that invoice only"
        pool = Pool()
        Template = pool.get('ir.email.template')
        template = Template(template_id) if template_id else None
        # A document still to store is stored here: lock first, so that a
        # concurrent storage fails this transaction before anything is
        # sent (and the task is retried), never after
        to_lock = [i for i in invoices
            if i.mentorsig_document_frozen and not i.mentorsig_document]
        if to_lock:
            cls.lock(to_lock)
        for invoice in cls.browse([i.id for i in invoices]):
            try:
                invoice.mentorsig_email_send(template)
            except InvoiceEmailError as exception:
                invoice._mentorsig_email_failed(exception.message)
            except (smtplib.SMTPException, OSError) as exception:
                invoice._mentorsig_email_failed(smtp_error_text(exception))

    def _mentorsig_email_failed(self, error):
        self.mentorsig_email_state = 'failed'
        self.mentorsig_email_error = error
        self.save()

    @classmethod
    def mentorsig_store_documents(cls, invoices):
        super().mentorsig_store_documents(invoices)
        # Once the document is stored, it can go out by itself
        cls._mentorsig_email_on_posting(invoices)

    @classmethod
    def _mentorsig_email_on_posting(cls, invoices):
        "Queue the invoices of customers who want them emailed"
        to_queue = []
        for invoice in cls.browse(invoices):
            if (invoice.type != 'out'
                    or invoice.state not in {'posted', 'paid'}
                    or invoice.mentorsig_email_state
                    or invoice.mentorsig_email_sent_at):
                continue
            if invoice.party.get_multivalue(
                    'mentorsig_email_invoices', company=invoice.company.id):
                to_queue.append(invoice)
        if to_queue:
            cls.mentorsig_email_queue(to_queue)


class EmailTemplate(metaclass=PoolMeta):
    __name__ = 'ir.email.template'

    def get_context(self, record):
        "The invoice placeholders also in the host's Email dialog"
        context = super().get_context(record)
        if getattr(record, '__name__', None) == 'account.invoice':
            Invoice = Pool().get('account.invoice')
            invoice = Invoice(record.id)
            lang = invoice.mentorsig_email_lang()
            context.update(invoice.mentorsig_email_placeholders(
                    lang.code if lang else 'en'))
        return context


email_invoices = fields.Boolean(
    "Email Invoices Automatically",
    help="Send the customer's invoices by email as soon as they are "
    "posted, in the current company.")


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    mentorsig_email_invoices = fields.MultiValue(email_invoices)
    mentorsig_email_invoices_values = fields.One2Many(
        'party.party.mentorsig_email', 'party',
        "Email Invoices Automatically")

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'mentorsig_email_invoices':
            return pool.get('party.party.mentorsig_email')
        return super().multivalue_model(field)


class PartyEmail(ModelSQL, CompanyValueMixin):
    __name__ = 'party.party.mentorsig_email'
    __string__ = "Party Email Invoices"

    party = fields.Many2One(
        'party.party', "Party", ondelete='CASCADE',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    mentorsig_email_invoices = email_invoices


class SendInvoiceEmailStart(ModelView):
    __name__ = 'mentorsig.invoice.email.start'
    __string__ = "Send Invoice by Email"

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    template = fields.Many2One(
        'ir.email.template', "Template", required=True,
        domain=[
            ('model.name', '=', 'account.invoice'),
            ])
    to = fields.Char(
        "To", required=True,
        help="The customer's addresses for invoices, separated by commas.")
    cc = fields.Char("Cc")
    subject = fields.Char("Subject", required=True)
    body = fields.Text("Body", required=True)
    language = fields.Char("Language", readonly=True)
    attachment_name = fields.Char("Attachment", readonly=True)

    @fields.depends('invoice', 'template')
    def on_change_template(self):
        if self.invoice and self.template:
            values = self.invoice.mentorsig_email_render(self.template)
            for name in ('subject', 'body', 'language', 'attachment_name'):
                setattr(self, name, values[name])


class SendInvoiceEmail(Wizard):
    "Preview the email of an invoice, then send it"
    __name__ = 'mentorsig.invoice.email'

    start = StateView('mentorsig.invoice.email.start',
        'mentorsig_invoicing.invoice_email_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def default_start(self, fields):
        invoice = self.record
        invoice.mentorsig_email_check()
        template = invoice.mentorsig_email_template()
        values = invoice.mentorsig_email_render(template)
        values.update(invoice=invoice.id, template=template.id, cc='')
        return values

    def transition_send(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoice = Invoice(self.record.id)
        invoice.mentorsig_email_check()
        message = invoice.mentorsig_email_message(
            self.start.to, self.start.subject, self.start.body,
            self.start.attachment_name, cc=self.start.cc or '')
        try:
            invoice.mentorsig_email_deliver(message, self.start.body)
        except (smtplib.SMTPException, OSError) as exception:
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_not_sent',
                    invoice=invoice.rec_name,
                    error=smtp_error_text(exception))) from exception
        return 'end'


class MassSendInvoiceEmailStart(ModelView):
    __name__ = 'mentorsig.invoice.email.mass.start'
    __string__ = "Send Invoices by Email"

    template = fields.Many2One(
        'ir.email.template', "Template",
        domain=[
            ('model.name', '=', 'account.invoice'),
            ],
        help="Leave empty to use the template that fits each invoice "
        "(invoice, credit note or payment receipt).")
    invoices = fields.Many2Many(
        'account.invoice', None, None, "Invoices to Send", readonly=True)
    skipped = fields.Text("Not Sent", readonly=True)


class MassSendInvoiceEmailDone(ModelView):
    __name__ = 'mentorsig.invoice.email.mass.done'
    __string__ = "Invoices Queued for Email"

    queued = fields.Integer("Queued", readonly=True)
    skipped = fields.Text("Not Sent", readonly=True)


class MassSendInvoiceEmail(Wizard):
    "Send the selected customer invoices by email, through the queue"
    __name__ = 'mentorsig.invoice.email.mass'

    start = StateView('mentorsig.invoice.email.mass.start',
        'mentorsig_invoicing.invoice_email_mass_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()
    done = StateView('mentorsig.invoice.email.mass.done',
        'mentorsig_invoicing.invoice_email_mass_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def _sort(self):
        "The invoices that can go, and why the others cannot"
        to_send, skipped = [], []
        for invoice in self.records:
            try:
                invoice.mentorsig_email_check(mass=True)
                invoice.mentorsig_email_recipients()
            except InvoiceEmailError as exception:
                skipped.append((invoice, exception.message))
            else:
                to_send.append(invoice)
        return to_send, skipped

    def default_start(self, fields):
        to_send, skipped = self._sort()
        if not to_send:
            raise InvoiceEmailError(gettext(
                    'mentorsig_invoicing.msg_invoice_email_none',
                    reasons='\n'.join(m for _, m in skipped)))
        return {
            'invoices': [i.id for i in to_send],
            'skipped': '\n'.join(m for _, m in skipped),
            }

    def transition_send(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        to_send, skipped = self._sort()
        # Posted customer invoices without an address are failures the
        # user must see on the invoice, not only in this summary
        no_address = [i for i, _ in skipped
            if i.type == 'out' and i.state in {'posted', 'paid'}]
        for invoice, message in skipped:
            if invoice in no_address:
                invoice._mentorsig_email_failed(message)
        Invoice.mentorsig_email_queue(to_send, self.start.template)
        self.done.queued = len(to_send)
        self.done.skipped = '\n'.join(m for _, m in skipped)
        return 'done'

    def default_done(self, fields):
        return {
            'queued': self.done.queued,
            'skipped': self.done.skipped,
            }
