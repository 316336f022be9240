# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What an invoice document says, as formatted strings, for every output.

The reportlab PDF (`pdf`) and the ODT template of the host's report engine
(`invoice.fodt`, rendered by relatorio) print the same facts, totals, lines
and legal mentions: both take them from here, so that a customised ODT
never drifts from the PDF.  No reportlab, no database.
"""
from dataclasses import dataclass, field

from .model import CREDIT_NOTE, Line, Section, Subtotal
from .strings import Formatter


def formatter(document):
    return Formatter(document.language, document.currency)


def title(document, fmt):
    "Facture, Facture d'acompte or Avoir (Invoice, Deposit invoice, ...)"
    return fmt('title_' + document.kind)


def heading(document, fmt):
    "The title and the number, as in the PDF's metadata and page headers"
    return f"{title(document, fmt)} {fmt('number')} {document.number}"


def header_facts(document, fmt):
    "The [(label, value)] printed under the title"
    facts = [(fmt('credit_note_date' if document.kind == CREDIT_NOTE
                else 'invoice_date'), fmt.date(document.invoice_date))]
    if document.due_date and document.kind != CREDIT_NOTE:
        facts.append((fmt('due_date'), fmt.date(document.due_date)))
    if document.delivery_date:
        facts.append((fmt('delivery_date'), fmt.date(document.delivery_date)))
    if document.order_reference:
        facts.append((fmt('order_reference'), document.order_reference))
    facts.append((fmt('operation_category'),
            fmt('operation_' + document.operation_category)))
    if document.credited_invoice:
        credited = document.credited_invoice
        if document.credited_invoice_date:
            credited += ' (%s)' % fmt.date(document.credited_invoice_date)
        facts.append((fmt('credited_invoice'), credited))
    # The user-defined fields marked for printing, labels in the
    # customer's language (the ORM glue reads them in it)
    facts += [(f.label, f.value) for f in document.extra_fields]
    return facts


def party_identifiers(party, fmt):
    "VAT number and SIREN of the customer, as one line"
    ids = []
    if party.vat_number:
        ids.append(f"{fmt('vat_number')} {party.vat_number}")
    if party.siren:
        ids.append(f"{fmt('siren')} {party.siren}")
    return ' · '.join(ids)


@dataclass
class Row:
    "A row of the lines table"
    kind: str  # 'section', 'line' or 'subtotal'
    description: str
    notes: list = field(default_factory=list)  # printed under it
    product_code: str = ''
    quantity: str = ''
    unit: str = ''
    unit_price: str = ''
    discount: str = ''
    vat: str = ''
    amount: str = ''


def line_notes(line, fmt):
    "The note, then the printable extra fields, under a line"
    notes = line.note.splitlines() if line.note else []
    return notes + [fmt('field_value', label=f.label, value=f.value)
        for f in line.extra_fields]


def line_rows(document, fmt):
    "The rows of the lines table: sections, lines and subtotals"
    rows = []
    for item in document.items_with_subtotals():
        if isinstance(item, Section):
            rows.append(Row('section', item.title))
        elif isinstance(item, Subtotal):
            rows.append(Row('subtotal',
                    fmt('subtotal', title=item.section.title),
                    amount=fmt.money(item.amount)))
        elif isinstance(item, Line):
            rows.append(Row('line', item.description,
                    notes=line_notes(item, fmt),
                    product_code=item.product_code,
                    quantity=fmt.number(item.quantity, strip=True),
                    unit=item.unit,
                    unit_price=fmt.price(item.unit_price),
                    discount=(fmt.percent(item.discount)
                        if item.discount else ''),
                    vat=fmt.percent(item.vat_rate),
                    amount=fmt.money(item.amount)))
    return rows


def tax_rows(document, fmt):
    "The VAT summary: [(rate, base, amount)]"
    return [(fmt.percent(t.rate), fmt.money(t.base), fmt.money(t.amount))
        for t in document.tax_summary]


def totals(document, fmt):
    """The totals as [(label, amount)], and the index of the grand total
    (printed strong); the last row is what is due (or to refund)"""
    rows = [(fmt('untaxed_amount'), fmt.money(document.untaxed_amount))]
    if document.discount_total:
        rows.append(
            (fmt('discount_total'), fmt.money(document.discount_total)))
    rows.append((fmt('tax_amount'), fmt.money(document.tax_amount)))
    rows.append((fmt('total_amount'), fmt.money(document.total_amount)))
    strong = len(rows) - 1
    if document.amount_paid:
        rows.append((fmt('amount_paid'), fmt.money(-document.amount_paid)))
    if document.prepaid_amount or document.kind == CREDIT_NOTE:
        label = ('amount_to_refund' if document.kind == CREDIT_NOTE
            else 'amount_due')
        rows.append((fmt(label), fmt.money(document.amount_due)))
    else:
        label, amount = rows[-1]
        rows[-1] = (fmt('amount_due') + ' · ' + label, amount)
    return rows, strong


def payment_facts(document, fmt, group_iban=None):
    "How to pay: [(label, value)], empty for a credit note or when settled"
    seller = document.seller
    if document.kind == CREDIT_NOTE or document.amount_due <= 0:
        return []
    facts = []
    if document.payment_terms:
        facts.append((fmt('payment_terms'), document.payment_terms))
    if document.due_date:
        facts.append((fmt('due_date'), fmt.date(document.due_date)))
    if seller.iban:
        facts.append((fmt('bank_transfer'), ''))
        facts.append((fmt('iban'), group_iban(seller.iban)
                if group_iban else seller.iban))
        if seller.bic:
            facts.append((fmt('bic'), seller.bic))
        if seller.bank_name:
            facts.append((fmt('bank'), seller.bank_name))
        facts.append((fmt('payment_reference'), document.payment_reference))
    return facts


def late_payment_key(document, key='late_payment'):
    """The string of the late-payment mention by the seller's country: the
    French Code de commerce in France, the EU directive elsewhere"""
    return key if document.seller.address.country_code == 'FR' else (
        key + '_eu')


def legal_texts(document, fmt):
    "VAT exemptions, late-payment penalties, early-payment discount"
    texts = []
    for tax in document.tax_summary:
        if tax.category != 'S' or tax.exemption_reason:
            text = fmt.exemption(tax)
            if text and text not in texts:
                texts.append(text)
    if document.vat_on_debits:
        texts.append(fmt('vat_on_debits'))
    if document.kind != CREDIT_NOTE:
        if document.late_payment_rate is not None:
            texts.append(fmt(late_payment_key(document),
                    rate=fmt.number(document.late_payment_rate, strip=True),
                    indemnity=fmt.money(document.recovery_indemnity)))
        texts.append(document.early_payment_discount
            or fmt('early_payment_default'))
    return texts


def footer_text(document, fmt):
    "The seller's legal identity, printed at the bottom of every page"
    seller = document.seller
    parts = [seller.name]
    if seller.legal_form:
        form = seller.legal_form
        if seller.share_capital:
            form += ' ' + fmt('share_capital', capital=seller.share_capital)
        parts.append(form)
    if seller.siren:
        parts.append(' '.join(
                p for p in ('SIREN', seller.siren, seller.registry) if p))
    if seller.vat_number:
        parts.append(fmt('legal_vat', vat=seller.vat_number))
    parts.append(', '.join(seller.address.printed_lines()))
    return ' · '.join(p for p in parts if p)


# The columns of the lines table, in order
LINE_COLUMNS = (
    'description', 'quantity', 'unit', 'unit_price', 'discount', 'vat',
    'amount')


@dataclass
class DocumentText:
    "Everything an invoice document prints, as strings, for templates"
    title: str
    number: str
    seller_name: str
    seller_lines: list
    bill_to: str
    buyer_name: str
    buyer_lines: list
    buyer_identifiers: str
    deliver_to: str
    delivery_lines: list
    facts: list
    columns: list
    rows: list
    tax_columns: list
    taxes: list
    totals: list  # [(label, amount)] before the last row
    due: tuple  # (label, amount): what is due, or to refund
    payment: str
    payment_facts: list
    nothing_due: str
    credit_reason: str
    notes: list
    legal: list
    footer: str


def document_text(document):
    "The DocumentText of an InvoiceDocument"
    fmt = formatter(document)
    seller, buyer = document.seller, document.buyer
    total_rows, _ = totals(document, fmt)
    settled = document.kind != CREDIT_NOTE and document.amount_due <= 0
    return DocumentText(
        title=title(document, fmt).upper(),
        number=f"{fmt('number')} {document.number}",
        seller_name=seller.name,
        seller_lines=seller.address.printed_lines() + [
            v for v in (seller.phone, seller.email, seller.website) if v],
        bill_to=fmt('bill_to'),
        buyer_name=buyer.name,
        buyer_lines=buyer.address.printed_lines(),
        buyer_identifiers=party_identifiers(buyer, fmt),
        deliver_to=fmt('deliver_to') if document.delivery_address else '',
        delivery_lines=(document.delivery_address.printed_lines()
            if document.delivery_address else []),
        facts=header_facts(document, fmt),
        columns=[fmt(key) for key in LINE_COLUMNS],
        rows=line_rows(document, fmt),
        tax_columns=[fmt('vat_rate'), fmt('vat_base'), fmt('vat_amount')],
        taxes=tax_rows(document, fmt),
        totals=total_rows[:-1],
        due=total_rows[-1],
        payment=fmt('payment') if document.kind != CREDIT_NOTE else '',
        payment_facts=payment_facts(document, fmt),
        nothing_due=fmt('nothing_due') if settled else '',
        credit_reason=(f"{fmt('credit_reason')} {document.credit_reason}"
            if document.credit_reason else ''),
        notes=list(document.notes),
        legal=legal_texts(document, fmt),
        footer=footer_text(document, fmt))
