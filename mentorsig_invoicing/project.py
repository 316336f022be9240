# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoicing of interventions (the host's project_invoice).

The host invoices a project with its tasks by one of its invoice methods
(on effort when a task is done, on progress, on timesheet); it links the
invoiced timesheet lines, works and progress to their invoice line, shows
the amounts invoiced and to invoice, and refuses to change or delete what
is invoiced.  It does not invoice materials: a project work has no product
lines or stock moves of its own.

MentorSiG adds:

- the invoice lines keep the work they come from as their origin, so the
  invoice shows its source;
- "Invoice" on a project with nothing left to invoice is refused with a
  message naming the invoices already made (the host greys the button out
  and refuses the call without saying why);
- "Invoice" opens the invoice it made (the host's button gives no
  feedback).
"""
from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta

from .exceptions import WorkInvoiceError


class Work(metaclass=PoolMeta):
    __name__ = 'project.work'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The host greys the button out when nothing is left to invoice:
        # the click tells why instead
        cls._buttons['invoice'].pop('readonly', None)

    @classmethod
    @ModelView.button
    def invoice(cls, works):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        for work in works:
            if not work.amount_to_invoice:
                work._mentorsig_raise_nothing_to_invoice()
        before = {i for w in works for i in w._mentorsig_invoiced()}
        result = super().invoice(works)
        made = {i for w in cls.browse(works) for i in w._mentorsig_invoiced()
            } - before
        if made and Invoice.mentorsig_enabled(list(made)):
            # The click shows what it made
            return Invoice.mentorsig_open_action(made)
        return result

    def _mentorsig_raise_nothing_to_invoice(self):
        invoices = self._mentorsig_invoiced()
        if invoices:
            raise WorkInvoiceError(gettext(
                    'mentorsig_invoicing.msg_work_already_invoiced',
                    work=self.rec_name,
                    invoices=', '.join(i.rec_name for i in invoices)))
        raise WorkInvoiceError(gettext(
                'mentorsig_invoicing.msg_work_nothing_to_invoice',
                work=self.rec_name))

    def _mentorsig_invoiced(self):
        "The invoices of the work and its children, oldest first"
        pool = Pool()
        Work = pool.get('project.work')
        invoices = set()
        for work in Work.search([('parent', 'child_of', [self.id])]):
            lines = [work.invoice_line] if work.invoice_line else []
            lines += [p.invoice_line for p in work.invoiced_progress]
            lines += [
                l.invoice_line for tw in work.timesheet_works
                for l in tw.timesheet_lines if l.invoice_line]
            invoices |= {l.invoice for l in lines if l and l.invoice}
        return sorted(invoices, key=lambda i: i.id)

    def _get_lines_to_invoice(self):
        lines = super()._get_lines_to_invoice()
        for line in lines:
            line.setdefault('mentorsig_origin', self)
        return lines

    def _group_lines_to_invoice_key(self, line):
        return super()._group_lines_to_invoice_key(line) + (
            ('mentorsig_origin', line.get('mentorsig_origin')),)

    def _get_invoice_line(self, key, invoice, lines):
        key = dict(key)
        origin = key.pop('mentorsig_origin', None)
        invoice_line = super()._get_invoice_line(key, invoice, lines)
        if origin is not None:
            invoice_line.origin = origin
        return invoice_line


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['project.work']
