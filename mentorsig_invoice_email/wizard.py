# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The wizards that send invoices by email: one invoice with a preview,
several through the queue (the sending itself is in invoice_email.py)"""
import smtplib

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from mentorsig_invoicing.access import check_records
from mentorsig_invoicing.background import background

from .exceptions import InvoiceEmailError
from .invoice import smtp_error_text


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
        # the client names the invoice and the template: rendered only
        # when the user reads them
        check_records([self.invoice, self.template])
        if self.invoice and self.template:
            values = self.invoice.mentorsig_email_render(self.template)
            for name in ('subject', 'body', 'language', 'attachment_name'):
                setattr(self, name, values[name])


class SendInvoiceEmail(Wizard):
    "Preview the email of an invoice, then send it"
    __name__ = 'mentorsig.invoice.email'

    start = StateView('mentorsig.invoice.email.start',
        'mentorsig_invoice_email.invoice_email_start_view_form', [
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
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_not_sent',
                    invoice=invoice.rec_name,
                    error=smtp_error_text(exception)) from exception
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
    batches = fields.Many2Many(
        'mentorsig.invoice.batch', None, None, "Batches", readonly=True,
        help="How far the sending is: the counters of each company's "
        "batch grow as the emails go.")


class MassSendInvoiceEmail(Wizard):
    "Send the selected customer invoices by email, through the queue"
    __name__ = 'mentorsig.invoice.email.mass'

    start = StateView('mentorsig.invoice.email.mass.start',
        'mentorsig_invoice_email.invoice_email_mass_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()
    done = StateView('mentorsig.invoice.email.mass.done',
        'mentorsig_invoice_email.invoice_email_mass_done_view_form', [
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
                skipped.append((invoice, exception))
            else:
                to_send.append(invoice)
        return to_send, skipped

    def default_start(self, fields):
        to_send, skipped = self._sort()
        if not to_send:
            raise InvoiceEmailError.of(
                    'mentorsig_invoice_email.msg_invoice_email_none',
                    reasons='\n'.join(e.message for _, e in skipped))
        return {
            'invoices': [i.id for i in to_send],
            'skipped': '\n'.join(e.message for _, e in skipped),
            }

    def transition_send(self):
        pool = Pool()
        Batch = pool.get('mentorsig.invoice.batch')
        Invoice = pool.get('account.invoice')
        to_send, skipped = self._sort()
        # Posted customer invoices without an address are failures the
        # user must see on the invoice, not only in this summary
        no_address = [i for i, _ in skipped
            if i.type == 'out' and i.state in {'posted', 'paid'}]
        for invoice, error in skipped:
            if invoice in no_address:
                invoice._mentorsig_email_failed(
                    error.failure or error.message)
        # a batch per company, as posting makes: its counters show how
        # far the sending is, the skipped invoices counted failed
        batches = []
        companies = {i.company for i in to_send} | {
            i.company for i, _ in skipped}
        for company in sorted(companies, key=lambda c: c.id):
            sending = [i for i in to_send if i.company == company]
            failures = ['%s: %s' % (i.rec_name, e.message)
                for i, e in skipped if i.company == company]
            batch = Batch.open_running(company, 'email',
                len(sending) + len(failures), failures)
            batches.append(batch)
            # sent by a thread of the server when there is no worker: the
            # wizard answers at once, the batch shows how far it is
            with background():
                Invoice.mentorsig_email_queue(
                    sending, self.start.template, batch=batch)
            if not sending:
                Batch.finish(batch.id)
        self.done.queued = len(to_send)
        self.done.skipped = '\n'.join(e.message for _, e in skipped)
        self.done.batches = batches
        return 'done'

    def default_done(self, fields):
        return {
            'queued': self.done.queued,
            'skipped': self.done.skipped,
            'batches': [b.id for b in self.done.batches],
            }
