# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Extra fields on recurring invoices (mentorsig_recurring)

A template holds the values of the invoice's extra fields, and its lines
those of the invoice lines: the definitions are the invoices' and their
lines' (no target of their own, the user fills what each invoice gets).
Each generated invoice gets them as a sale's invoice does; Make recurring
takes them from the invoice.
"""
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .extra_field import CompanyExtraFieldsMixin, carried_extra_fields


class RecurringTemplate(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'mentorsig.recurring.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.states = {
            'readonly': Eval('state') == 'finished',
            }

    @classmethod
    def _extra_fields_target(cls):
        return 'account.invoice'

    @classmethod
    def from_invoice(cls, invoice):
        template = super().from_invoice(invoice)
        template.extra_fields = carried_extra_fields(
            invoice, cls._extra_fields_target())
        lines = [l for l in invoice.lines if l.type == 'line']
        for line, invoice_line in zip(template.lines, lines):
            line.extra_fields = carried_extra_fields(
                invoice_line, line._extra_fields_target())
        return template

    def _get_invoice(self, start, end, today):
        invoice = super()._get_invoice(start, end, today)
        # without values, creating the invoice gives it the defaults
        if self.extra_fields:
            invoice.extra_fields = carried_extra_fields(
                self, 'account.invoice')
        return invoice


class RecurringTemplateLine(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'mentorsig.recurring.template.line'

    @classmethod
    def _extra_fields_target(cls):
        return 'account.invoice.line'

    @classmethod
    def _extra_fields_company_pyson(cls):
        return Eval('_parent_template', {}).get('company', -1)

    def _extra_fields_company(self):
        if self.template and self.template.company:
            return self.template.company.id
        return super()._extra_fields_company()

    def _get_invoice_line(self, invoice, template):
        line = super()._get_invoice_line(invoice, template)
        if self.extra_fields:
            line.extra_fields = carried_extra_fields(
                self, 'account.invoice.line')
        return line
