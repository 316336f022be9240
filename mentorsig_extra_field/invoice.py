# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from mentorsig_invoicing.document import model as document_model

from . import extra_field_rules as rules
from .exceptions import ExtraFieldRequiredError
from .extra_field import CompanyExtraFieldsMixin, ExtraFieldsMixin


class Invoice(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.states = {
            'readonly': Eval('state') != 'draft',
            }

    @classmethod
    def check_extra_fields_required(cls, invoices):
        """Refuse the invoices whose required fields are empty, on the
        invoice, its customer, its lines or their products; the required
        definitions of all the invoices are read at once"""
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        companies = {i.company.id for i in invoices if i.company}
        if not companies:
            return
        required = {}
        for definition in ExtraField.search([
                    ('company', 'in', sorted(companies)),
                    ('required', '=', True),
                    ]):
            required.setdefault(
                (definition.target, definition.company.id), []).append(
                definition)
        if not required:
            return
        for invoice in invoices:
            company = invoice.company.id
            # The customer and the products are shared by the companies:
            # the invoice's company says which definitions apply
            records = [
                (invoice, invoice._extra_fields_company()),
                (invoice.party, company)]
            for line in invoice.lines:
                records.append((line, line._extra_fields_company()))
                if getattr(line, 'product', None):
                    records.append((line.product.template, company))
            for record, record_company in records:
                if not record or not isinstance(record, ExtraFieldsMixin):
                    continue
                missing = [d.string for d in rules.missing_required(
                        required.get((record.__name__, record_company), []),
                        record.extra_fields)]
                if missing:
                    raise ExtraFieldRequiredError(gettext(
                            'mentorsig_extra_field.msg_extra_field_required',
                            invoice=invoice.rec_name,
                            record=record.rec_name,
                            fields=', '.join(missing)))

    def _mentorsig_extra_fields(self):
        """The printable extra fields of the invoice and of each line (by
        id), labels and values in the customer's language"""
        pool = Pool()
        ExtraField = pool.get('mentorsig.extra_field')
        Line = pool.get('account.invoice.line')
        invoice_fields, line_fields = [], {}
        company = self.company.id
        code = self.mentorsig_lang_code()
        context = {'company': company}
        if code:
            context['language'] = code
        with Transaction().set_context(**context):
            # Read again in the language: the labels, the options and the
            # formats of numbers and dates are translated
            invoice = self.__class__(self.id)
            invoice_fields = [document_model.ExtraField(label, value)
                for label, value in invoice.extra_fields_display(
                    printable=True)]
            if any(d.print_on_documents for d in ExtraField.definitions(
                        'account.invoice.line', company)):
                lines = [l for l in self.lines
                    if l.type == 'line' and l.id is not None and l.id >= 0]
                for line in Line.browse(lines):
                    line_fields[line.id] = [
                        document_model.ExtraField(label, value)
                        for label, value in line.extra_fields_display(
                            printable=True)]
        return invoice_fields, line_fields

    @classmethod
    def validate_invoice(cls, invoices):
        cls.check_extra_fields_required(cls.mentorsig_enabled(invoices))
        super().validate_invoice(invoices)

    @classmethod
    def post(cls, invoices):
        cls.check_extra_fields_required(cls.mentorsig_enabled(
                [i for i in invoices if i.state != 'posted']))
        super().post(invoices)


class InvoiceLine(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.states = {
            'readonly': Eval('invoice_state', 'draft') != 'draft',
            }
