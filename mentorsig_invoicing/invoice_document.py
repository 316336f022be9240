# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The invoice's document: built from the invoice, rendered by the pure
`document` package, kept up to date while draft, frozen once posted.

Storage: our own fields (`mentorsig_document*`, in the filestore) hold
the document with its SHA-256, and the host's `invoice_report_cache` the
same bytes: one document per invoice, which the host's *Print > Invoice*,
the web client's Email button, the report route and our sending all
give.  The host's ODT is not rendered at posting any more (its queued
`print_invoice` stores our document instead); ours stays available as a
second format on demand (*Invoice (ODT)*).  A posted customer invoice's
PDF (Factur-X, PDF/A-3) is rendered once, stored with its SHA-256 and
never rendered again: payments and credit notes do not touch it.  Drafts are rendered on
demand through a cache keyed on the SHA-256 of the document's content, so
printing an unchanged draft twice renders once.
"""
import datetime
import hashlib
import logging
from decimal import Decimal

from trytond.cache import Cache
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import dualmethod, fields
from trytond.modules.currency.exceptions import RateError
from trytond.pool import Pool, PoolMeta
from trytond.report import Report
from trytond.rpc import RPC
from trytond.transaction import Transaction

from .document import content, facturx, model, pdf
from .document.strings import Formatter
from .exceptions import DocumentError, FormAccessError

logger = logging.getLogger(__name__)


def applied_taxes(taxes, date):
    """The taxes that apply at the date, as the host computes with them

    A chart may group dated rates under a parent tax (account_fr's "Taux
    Normal" holds 19.6 % until 2013 and 20 % since): what applies are the
    children valid at the date, as in the tax summary of the ledger.
    """
    Tax = Pool().get('account.tax')
    if not taxes:
        return []
    return [value['tax']
        for value in Tax.compute(list(taxes), Decimal(1), 1, date)]


def _address(address):
    if not address:
        return model.Address()
    return model.Address(
        street_lines=(address.street or '').splitlines(),
        postal_code=address.postal_code or '',
        city=address.city or '',
        country_code=address.country.code if address.country else 'FR',
        country_name=address.country.name if address.country else '')


def _identifier(identifier):
    return identifier.code if identifier else ''


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    mentorsig_document = fields.Binary(
        "Document", readonly=True, file_id='mentorsig_document_id',
        filename='mentorsig_document_name',
        help="The PDF (Factur-X) stored when the invoice was posted.")
    mentorsig_document_id = fields.Char("Document ID", readonly=True)
    mentorsig_document_sha256 = fields.Char(
        "Document SHA-256", readonly=True,
        help="Fingerprint of the stored PDF: it never changes once posted.")
    mentorsig_document_name = fields.Function(
        fields.Char("Document Name"), 'get_mentorsig_document_name')

    # Draft PDFs by content hash, shared by the workers of one process
    _mentorsig_draft_pdfs = Cache(
        'account.invoice.mentorsig_draft_pdf', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {
            'mentorsig_document', 'mentorsig_document_id',
            'mentorsig_document_sha256'}

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in ('mentorsig_document', 'mentorsig_document_id',
                'mentorsig_document_sha256'):
            default.setdefault(name, None)
        return super().copy(invoices, default=default)

    def create_invoice_report_revision(self):
        """Archive our stored PDF with the host's report, as a revision

        The host lets an accounting administrator archive the stored
        report of a posted invoice (refresh invoice report wizard); the
        old PDF is kept in the revision and the next print stores anew.
        The host's report is our document: its revision gets our
        fingerprint (an invoice stored before that gets one of its own).
        """
        pool = Pool()
        Revision = pool.get('account.invoice.report.revision')
        frozen = self.mentorsig_document_frozen
        document = self.mentorsig_document if frozen else None
        sha256 = self.mentorsig_document_sha256
        revision = super().create_invoice_report_revision()
        if frozen and document:
            if (revision is not None and revision.invoice_report_cache
                    and bytes(revision.invoice_report_cache)
                    == bytes(document)):
                revision.mentorsig_document_sha256 = sha256
            else:
                self.invoice_report_revisions += (Revision(
                        invoice=self,
                        invoice_report_cache=document,
                        invoice_report_format='pdf',
                        mentorsig_document_sha256=sha256),)
            self.mentorsig_document = None
            self.mentorsig_document_id = None
            self.mentorsig_document_sha256 = None
        return revision

    def get_mentorsig_document_name(self, name):
        return '%s.pdf' % (self.number or 'draft-%s' % self.id)

    @property
    def mentorsig_document_frozen(self):
        "Whether the document is the stored one (posted customer invoice)"
        return self.type == 'out' and self.state in {'posted', 'paid'}

    def mentorsig_lang_code(self):
        "The code of the customer's language (else the company's)"
        for lang in (self.party.lang, self.company.party.lang):
            if lang:
                return lang.code
        return None

    def mentorsig_language(self):
        code = self.mentorsig_lang_code()
        return 'en' if code and not code.startswith('fr') else 'fr'

    def _mentorsig_extra_fields(self):
        """The printable extra fields of the invoice and of each line (by
        id), labels and values in the customer's language: none without
        mentorsig_extra_field"""
        return [], {}

    def _mentorsig_line_category(self, line):
        """Whether a line supplies goods or services (model.GOODS or
        model.SERVICES): its product's type, else the company's choice for
        lines without product; None when neither tells"""
        if line.product:
            return (model.GOODS if line.product.type in {'goods', 'assets'}
                else model.SERVICES)
        return self.company.mentorsig_operation_category or None

    def mentorsig_operation_category(self):
        "The category of the operation, None when a line does not tell"
        return model.operation_category(
            self._mentorsig_line_category(l) for l in self.lines
            if l.type == 'line')

    @property
    def mentorsig_einvoicing(self):
        "Whether the French e-invoicing rules apply to this invoice"
        start = self.company.mentorsig_einvoicing_date
        return bool(self.type == 'out' and start
            and (self.invoice_date or start) >= start)

    @classmethod
    def _mentorsig_check_einvoicing(cls, invoices):
        """Refuse to post an invoice whose French e-invoicing mentions
        cannot be derived (once its company issues e-invoices)"""
        for invoice in invoices:
            if not invoice.mentorsig_einvoicing:
                continue
            for line in invoice.lines:
                if (line.type == 'line'
                        and not invoice._mentorsig_line_category(line)):
                    raise DocumentError(gettext(
                            'mentorsig_invoicing.msg_einvoicing_category',
                            invoice=invoice.rec_name,
                            line=line.description or line.rec_name,
                            company=invoice.company.rec_name))
            if not invoice._mentorsig_seller().siren:
                raise DocumentError(gettext(
                        'mentorsig_invoicing.msg_einvoicing_seller_siren',
                        invoice=invoice.rec_name,
                        company=invoice.company.rec_name))
            if invoice._mentorsig_buyer().endpoint is None:
                raise DocumentError(gettext(
                        'mentorsig_invoicing.msg_einvoicing_buyer_address',
                        invoice=invoice.rec_name,
                        party=invoice.party.rec_name))
            if invoice.currency.code != 'EUR':
                # the VAT in euros is required: a missing rate says so
                invoice._mentorsig_tax_amount_eur(strict=True)
            credited = getattr(invoice, 'credited_invoice', None)
            if (invoice.mentorsig_kind_of_document() == model.CREDIT_NOTE
                    and not (credited and credited.invoice_date)):
                raise DocumentError(gettext(
                        'mentorsig_invoicing.msg_einvoicing_credited_invoice',
                        invoice=invoice.rec_name))

    def _mentorsig_tax_amount_eur(self, strict=False):
        """The VAT total in euros of an invoice in another currency, at the
        rate of its currency date (None in euros, or without a rate unless
        strict: the host's RateError then says which rate is missing)"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        if self.currency.code == 'EUR':
            return None
        euros = Currency.search([('code', '=', 'EUR')], limit=1)
        if not euros:
            if strict:
                raise DocumentError(gettext(
                        'mentorsig_invoicing.msg_einvoicing_euro',
                        invoice=self.rec_name))
            return None
        date = self.currency_date or self.invoice_date
        with Transaction().set_context(date=date):
            try:
                return Currency.compute(
                    self.currency, abs(self.tax_amount or 0), euros[0])
            except RateError:
                if strict:
                    raise
                return None

    def mentorsig_kind_of_document(self):
        kind = getattr(self, 'mentorsig_kind', None)
        if kind in model.KINDS:
            return kind
        return (model.CREDIT_NOTE if (self.total_amount or 0) < 0
            else model.INVOICE)

    def _mentorsig_seller(self):
        pool = Pool()
        party = self.company.party
        seller = model.Seller(
            name=party.name,
            address=_address(party.address_get(type='invoice')),
            siren=_identifier(getattr(party, 'siren', None)),
            vat_number=_identifier(
                self.tax_identifier or party.tax_identifier),
            email=party.email or '', phone=party.phone or '',
            website=getattr(party, 'website', None) or '',
            logo=getattr(self.company, 'logo', None),
            legal_form=self.company.mentorsig_legal_form or '',
            share_capital=self.company.mentorsig_share_capital_text(
                Formatter(self.mentorsig_language(),
                    self.company.currency.code)),
            registry=self.company.mentorsig_registry or '')
        account = None
        for mean in getattr(self, 'payment_means', None) or []:
            instrument = getattr(mean, 'instrument', None)
            if getattr(instrument, 'iban', None):
                account = instrument
                break
        if account is None:
            try:
                BankAccount = pool.get('bank.account')
            except KeyError:
                BankAccount = None
            if BankAccount:
                accounts = BankAccount.search([
                        ('owners', '=', party.id),
                        ('active', '=', True),
                        ], limit=1)
                account = accounts[0] if accounts else None
        if account is not None and account.iban:
            seller.iban = account.iban
            if account.bank:
                seller.bic = account.bank.bic or ''
                seller.bank_name = account.bank.rec_name or ''
        return seller

    def _mentorsig_buyer(self):
        party = self.party
        return model.Party(
            name=party.name,
            address=_address(self.invoice_address),
            siren=_identifier(getattr(party, 'siren', None)),
            vat_number=_identifier(
                self.party_tax_identifier or party.tax_identifier),
            email=party.email or '',
            reference=self.reference or '')

    def _mentorsig_lines(self, sign, line_fields=None):
        line_fields = line_fields or {}
        items = []
        for line in self.lines:
            if line.type == 'title':
                items.append(model.Section(line.description or ''))
            elif line.type == 'comment':
                if items and isinstance(items[-1], model.Line):
                    items[-1].note = '\n'.join(
                        filter(None, [items[-1].note, line.description]))
            elif line.type == 'line':
                item = self._mentorsig_line(line, sign)
                item.extra_fields = line_fields.get(line.id, [])
                items.append(item)
        return items

    def _mentorsig_line(self, line, sign):
        """The document line of an invoice line

        A line bearing no tax at all gets the category
        `model.no_vat_category` of the seller, so that the Factur-X XML
        still has its VAT breakdown (EN 16931 BR-CO-18)."""
        rate = Decimal(0)
        category, reason = None, ''
        for tax in applied_taxes(line.taxes, line.tax_date):
            if tax.type == 'percentage':
                rate += tax.rate * 100
            category = category or getattr(tax, 'unece_category_code', None)
            reason = reason or (tax.legal_notice or '')
        description = line.description or (
            line.product.rec_name if line.product else '')
        document_line = model.Line(
            description=description,
            quantity=Decimal(str(line.quantity or 0)) * sign,
            unit_price=line.unit_price or Decimal(0),
            vat_rate=rate.normalize() if rate else Decimal(0),
            unit=line.unit.symbol if line.unit else '',
            unit_code=getattr(line.unit, 'unece_code', None) or 'C62',
            product_code=(line.product.code or '') if line.product else '',
            vat_category=category or ('S' if rate else 'E' if line.taxes
                else model.no_vat_category(_identifier(
                        self.tax_identifier
                        or self.company.party.tax_identifier))),
            vat_exemption_reason='' if rate else reason)
        base_price = getattr(line, 'base_price', None)
        discount_rate = getattr(line, 'discount_rate', None)
        if base_price and discount_rate:
            discounted = model.Line(
                description, document_line.quantity, base_price, rate,
                discount=discount_rate * 100)
            # Keep the discount only when it gives the ledger's amount
            if discounted.amount == (line.amount or 0) * sign:
                document_line.unit_price = base_price
                document_line.discount = discount_rate * 100
        return document_line

    def _mentorsig_taxes(self, sign):
        "The tax summary as the ledger has it, one line per rate"
        summary = {}
        for tax_line in self.taxes:
            tax = tax_line.tax
            rate = (tax.rate * 100).normalize() if (
                tax and tax.type == 'percentage') else Decimal(0)
            category = (getattr(tax, 'unece_category_code', None)
                or ('S' if rate else 'E'))
            key = (category, rate)
            line = summary.setdefault(key, model.TaxSummaryLine(
                    rate=rate, category=category, base=Decimal(0),
                    amount=Decimal(0),
                    exemption_reason='' if rate else (
                        (tax.legal_notice or '') if tax else '')))
            line.base += tax_line.base * sign
            line.amount += tax_line.amount * sign
        return sorted(summary.values(), key=lambda t: (-t.rate, t.category))

    def mentorsig_document_data(self):
        "The plain document of the invoice (see document.model)"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        Date = pool.get('ir.date')
        company = self.company.id
        language = self.mentorsig_language()
        # The configuration's free texts (translatable) in the document's
        # language, as the invoice read by _mentorsig_in_language
        with Transaction().set_context(
                language=self._mentorsig_document_lang_code()):
            configuration = Configuration(1)
            early_payment_discount = configuration.get_multivalue(
                'early_payment_discount', company=company) or ''
        kind = self.mentorsig_kind_of_document()
        sign = -1 if (self.total_amount or 0) < 0 else 1
        maturities = [l.maturity_date for l in (self.lines_to_pay or [])
            if l.maturity_date]
        with Transaction().set_context(company=company):
            today = Date.today()
        extra_fields, line_fields = self._mentorsig_extra_fields()
        credited = getattr(self, 'credited_invoice', None)
        document = model.InvoiceDocument(
            kind=kind,
            number=self.number or (
                'BROUILLON' if language == 'fr' else 'DRAFT'),
            seller=self._mentorsig_seller(),
            buyer=self._mentorsig_buyer(),
            invoice_date=self.invoice_date or today,
            due_date=min(maturities) if maturities else None,
            items=self._mentorsig_lines(sign, line_fields),
            currency=self.currency.code,
            language=language,
            payment_terms=(self.payment_term.rec_name
                if self.payment_term else ''),
            late_payment_rate=configuration.get_multivalue(
                'late_payment_rate', company=company),
            recovery_indemnity=configuration.get_multivalue(
                'recovery_indemnity', company=company) or Decimal(40),
            early_payment_discount=early_payment_discount,
            credited_invoice=(credited.number or '') if credited else '',
            credited_invoice_date=credited.invoice_date if credited else None,
            credit_reason=(getattr(self, 'credit_reason', None) or ''
                if kind == model.CREDIT_NOTE else ''),
            extra_fields=extra_fields,
            notes=[self.comment] if self.comment else [],
            taxes=self._mentorsig_taxes(sign),
            issued_at=self._mentorsig_issued_at(),
            # Lines that do not tell (no product, no company choice) are
            # taken as services: posting refuses them once the company
            # issues e-invoices (_mentorsig_check_einvoicing)
            operation_category=model.operation_category(
                self._mentorsig_line_category(l) or model.SERVICES
                for l in self.lines if l.type == 'line') or model.SERVICES,
            vat_on_debits=bool(self.company.mentorsig_vat_on_debits),
            draft=self.state in {'draft', 'validated'},
            tax_amount_eur=self._mentorsig_tax_amount_eur())
        return document

    def _mentorsig_issued_at(self):
        """When the document was issued: the day of the posting (midnight
        UTC), so that rendering the posted invoice again gives its bytes"""
        day = (getattr(self.move, 'post_date', None) if self.move else None
            ) or self.invoice_date
        if day is None:
            return None
        return datetime.datetime.combine(
            day, datetime.time(), tzinfo=datetime.timezone.utc)

    def mentorsig_render(self):
        "The PDF bytes: Factur-X for a numbered customer invoice"
        document = self.mentorsig_document_data()
        blocks = self._mentorsig_pdf_blocks()
        if self.type == 'out' and self.number:
            return facturx.render(document, blocks=blocks)
        return pdf.render(document, blocks)

    @classmethod
    def _mentorsig_pdf_blocks(cls):
        """The blocks of the invoice PDF in this database: modules add
        theirs by overriding it (see document/pdf.py)"""
        return list(pdf.DEFAULT_BLOCKS)

    def mentorsig_pdf(self):
        "The stored PDF of a posted invoice, else the draft's current one"
        if self.mentorsig_document_frozen:
            if not self.mentorsig_document and self.mentorsig_document_sha256:
                # The file is lost from the filestore (a database copied
                # without it): render again; the same content gives the
                # same bytes, put back only when its SHA-256 matches
                data = self.mentorsig_render_frozen()
                if (hashlib.sha256(data).hexdigest()
                        == self.mentorsig_document_sha256):
                    self.mentorsig_document = data
                    self.save()
                else:
                    logger.warning("stored document of %s lost, rendered "
                        "again with another content", self.rec_name)
                return data
            if not self.mentorsig_document:
                self.mentorsig_store_documents([self])
            elif (not self.invoice_report_cache_id
                    and self.mentorsig_company_enabled
                    and not Transaction().readonly):
                # stored before the host's report was ours
                self.invoice_report_cache = self.mentorsig_document
                self.invoice_report_format = 'pdf'
                self.save()
            return bytes(self.mentorsig_document)
        document = self._mentorsig_in_language().mentorsig_document_data()
        key = hashlib.sha256(repr(document).encode('utf-8')).hexdigest()
        data = self._mentorsig_draft_pdfs.get(key)
        if data is None:
            data = pdf.render(document, self._mentorsig_pdf_blocks())
            self._mentorsig_draft_pdfs.set(key, data)
        return data

    @classmethod
    def mentorsig_store_documents(cls, invoices):
        """Render and store once the document of posted customer invoices,
        in the customer's language (units, payment term names); an
        invoice whose document cannot be made raises DocumentError"""
        to_save = []
        enabled = cls.mentorsig_enabled(invoices)
        to_render = [i for i in invoices
            if i.mentorsig_document_frozen
            and not i.mentorsig_document_sha256]
        for invoice, data in cls._mentorsig_render_many(to_render):
            invoice.mentorsig_document = data
            invoice.mentorsig_document_sha256 = hashlib.sha256(
                data).hexdigest()
            if invoice in enabled:
                # the host's report of the invoice: the same bytes (a
                # company without MentorSiG keeps the host's own)
                invoice.invoice_report_cache = data
                invoice.invoice_report_format = 'pdf'
            to_save.append(invoice)
        if to_save:
            cls.save(to_save)

    @classmethod
    def _mentorsig_render_many(cls, invoices):
        "The invoices with the bytes of their stored document"
        for invoice, reading in zip(
                invoices, cls._mentorsig_in_languages(invoices)):
            yield invoice, reading._mentorsig_render_checked()

    @classmethod
    def _mentorsig_in_languages(cls, invoices):
        """The invoices read in the language of their document, so that
        what the host translates (units, payment term) follows the text:
        the customer's, else the company's, else French as the document

        The invoices of one language are read together: what they share
        (the company, the products, the taxes) is read once, not once per
        invoice (45 SQL statements per five-line invoice's document when
        each was read alone, 13 so)."""
        by_language = {}
        for invoice in invoices:
            by_language.setdefault(
                invoice._mentorsig_document_lang_code(), []).append(invoice)
        readings = {}
        for code, group in by_language.items():
            with Transaction().set_context(language=code):
                readings.update(zip(group, cls.browse(group)))
        return [readings[i] for i in invoices]

    def _mentorsig_in_language(self):
        "The invoice read in the language of its document"
        reading, = self._mentorsig_in_languages([self])
        return reading

    def _mentorsig_document_lang_code(self):
        "The code of the document's language (see _mentorsig_in_languages)"
        return self.mentorsig_lang_code() or (
            'fr' if self.mentorsig_language() == 'fr' else 'en')

    def mentorsig_render_frozen(self):
        """The document's bytes as stored: in the customer's language
        (units, payment term), whoever posts or prints; a DocumentError
        says why it cannot be made"""
        return self._mentorsig_in_language()._mentorsig_render_checked()

    def _mentorsig_render_checked(self):
        "mentorsig_render, a failure told as DocumentError"
        try:
            return self.mentorsig_render()
        except UserError:
            raise
        except Exception as exception:
            logger.exception("document of %s failed", self.rec_name)
            raise DocumentError(gettext(
                    'mentorsig_invoicing.msg_invoice_document_failed',
                    invoice=self.rec_name,
                    reason=str(exception) or type(exception).__name__)
                ) from exception

    @classmethod
    def _post(cls, invoices):
        # a company that did not enable MentorSiG keeps the host's report
        ours = cls.mentorsig_enabled([i for i in invoices if i.type == 'out'])
        cls._mentorsig_check_einvoicing(ours)
        super()._post(invoices)
        if not Transaction().context.get('mentorsig_documents_queued'):
            # Rendered now, not in a task: a posted invoice never lacks its
            # document, and one whose document fails is not posted at all;
            # the bulk posting leaves them to the queued print_invoice,
            # which renders them after the commit
            cls.mentorsig_store_documents(ours)

    @dualmethod
    def print_invoice(cls, invoices):
        """The report queued by posting is our document: the host's ODT is
        not rendered (it would be stored in place of our PDF), but for the
        companies that did not enable MentorSiG"""
        ours = [i for i in cls.mentorsig_enabled(invoices)
            if i.mentorsig_document_frozen]
        cls.mentorsig_store_documents(ours)
        super().print_invoice([i for i in invoices if i not in ours])


class InvoiceReportRevision(metaclass=PoolMeta):
    """An archived document keeps its fingerprint: a copy sent before the
    revision is checked against it, the invoice has the new one"""
    __name__ = 'account.invoice.report.revision'

    mentorsig_document_sha256 = fields.Char(
        "Document SHA-256", readonly=True,
        help="Fingerprint of the archived PDF (Factur-X) of the invoice.")


class InvoiceReportAccessMixin:
    """Access checked on the invoices rendered, whatever the action says

    The host's Report.execute checks access on the model of the action
    named by data['action_id'] (a report on parties passes for anyone who
    reads parties) and then renders the ids as this report's records:
    the action must be one of this report, on invoices."""
    __slots__ = ()

    @classmethod
    def check_access(cls, action, model, ids):
        if Transaction().user and (action.report_name != cls.__name__
                or model != 'account.invoice'):
            raise FormAccessError(gettext(
                    'mentorsig_invoicing.msg_report_other_action'))
        super().check_access(action, model, ids)


class InvoiceReport(InvoiceReportAccessMixin, metaclass=PoolMeta):
    """The host's invoice report is our document for customer invoices of
    the companies that enabled MentorSiG: the stored PDF once posted (its
    invoice_report_cache), the draft's preview before; its access check
    fixed as ours"""
    __name__ = 'account.invoice'

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoice, = Invoice.browse(records)
        if invoice.type == 'out' and invoice.mentorsig_company_enabled:
            return 'pdf', invoice.mentorsig_pdf()
        return super()._execute(records, header, data, action)


class InvoicePdfReport(InvoiceReportAccessMixin, Report):
    "The MentorSiG PDF of invoices, rendered in Python (no LibreOffice)"
    __name__ = 'mentorsig_invoicing.invoice_pdf'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Printing a posted invoice whose document the queue has not stored
        # yet stores it: the call must be allowed to write
        cls.__rpc__['execute'] = RPC(False)

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        # Re-instantiate: the records are translated instances
        invoice, = Invoice.browse(records)
        return 'pdf', invoice.mentorsig_pdf()


class InvoiceOdtReport(InvoiceReportAccessMixin, Report):
    """The MentorSiG invoice as an OpenDocument (invoice.fodt), through the
    host's relatorio engine: the second format, for users who customise
    their documents in LibreOffice; same content as the PDF."""
    __name__ = 'mentorsig_invoicing.invoice_odt'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        context = super().get_context(records, header, data)
        texts = {}

        def mentorsig_document(record):
            "The DocumentText of an invoice (see document.content)"
            if int(record) not in texts:
                invoice = Invoice(int(record))
                texts[int(record)] = content.document_text(
                    invoice.mentorsig_document_data())
            return texts[int(record)]
        context['mentorsig_document'] = mentorsig_document
        return context
