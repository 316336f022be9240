# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoice emails without a database: placeholders, recipients, rendering.

The templates are the host's `ir.email.template` records: their subject
and body are Genshi text templates (the syntax the host checks when a
template is saved), so `${customer}` is a placeholder and a line starting
with `#if payment_link` ... `#end` is shown only when there is a link.

What is due now is said by the email, not by the PDF.  A posted
invoice's document is frozen at its posting (its bytes and SHA-256 are
the legal archive, and a copy already sent must match it), so a copy
sent after a payment would still show the full amount and its EPC QR
code.  Changing the attached PDF (a payment slip drawn into it, the QR
code taken off once paid) would change posted bytes, which is refused;
so the PDF stays as posted and `${amount_due_text}` states the situation
at the time of sending: the amount due and when, what was already paid
and what is still due, or that the invoice is paid and nothing is due.
The payment link (mentorsig_payment_links) asks for what is due now too.
"""
import html
import re
from decimal import Decimal

from genshi.template import TextTemplate
from genshi.template.eval import UndefinedError

from mentorsig_invoicing.document.strings import Formatter

# The placeholders every invoice template may use, in the order the
# documentation lists them
PLACEHOLDERS = (
    'customer', 'number', 'invoice_date', 'amount', 'amount_due',
    'amount_paid', 'due_date', 'company', 'reference', 'payment_link',
    'amount_due_text',
    )

# The sentence of ${amount_due_text}, by language: what is due at the
# time of sending (see the module's docstring)
DUE_TEXTS = {
    'fr': {
        'due': "Montant à régler : {due}.",
        'due_by': "Montant à régler : {due}, au plus tard le {date}.",
        'partly_paid': "Déjà réglé : {paid}. Reste à régler : {due}.",
        'partly_paid_by': "Déjà réglé : {paid}. Reste à régler : {due}, "
        "au plus tard le {date}.",
        'paid': "Cette facture est réglée : il ne reste rien à payer. "
        "Merci.",
        },
    'en': {
        'due': "Amount due: {due}.",
        'due_by': "Amount due: {due}, by {date}.",
        'partly_paid': "Already paid: {paid}. Amount still due: {due}.",
        'partly_paid_by': "Already paid: {paid}. Amount still due: {due}, "
        "by {date}.",
        'paid': "This invoice is paid: nothing is left to pay. Thank you.",
        },
    }


def amount_due_text(language, fmt, amount, amount_due, amount_paid,
        due_date):
    """What is due now, as one sentence in `language` ('' when nothing is
    asked: a credit note, an invoice of nothing)"""
    texts = DUE_TEXTS[language]
    amount = amount or Decimal(0)
    amount_due = amount if amount_due is None else amount_due
    amount_paid = amount_paid or Decimal(0)
    if amount <= 0:
        return ''
    if amount_due <= 0:
        return texts['paid']
    key = 'partly_paid' if amount_paid > 0 else 'due'
    if due_date:
        key += '_by'
    return texts[key].format(due=fmt.money(amount_due),
        paid=fmt.money(amount_paid), date=fmt.date(due_date))

# File names of the attached PDF, per kind of document and language
DOCUMENT_NAMES = {
    'invoice': {'fr': "Facture", 'en': "Invoice"},
    'deposit': {'fr': "Facture_acompte", 'en': "Deposit_invoice"},
    'credit_note': {'fr': "Avoir", 'en': "Credit_note"},
    }
DRAFT = {'fr': "brouillon", 'en': "draft"}


class PlaceholderError(ValueError):
    "A template uses a name that is not a placeholder"

    def __init__(self, name):
        super().__init__(name)
        self.name = name


class TemplateSyntaxError(ValueError):
    pass


def language_of(code):
    "The document language ('fr' or 'en') for a language code"
    return 'fr' if (code or '').lower().startswith('fr') else 'en'


def placeholders(language, currency, *, customer, number, invoice_date,
        amount, amount_due, amount_paid, due_date, company, reference='',
        extra=None):
    """The values of the placeholders, as text in `language`

    Amounts are Decimal, dates are datetime.date (or None); `extra` adds
    or replaces placeholders (e.g. the payment link of another module).
    """
    fmt = Formatter(language_of(language), currency)
    values = {
        'amount_due_text': amount_due_text(language_of(language), fmt,
            amount, amount_due, amount_paid, due_date),
        'customer': customer or '',
        'number': number or '',
        'invoice_date': fmt.date(invoice_date),
        'amount': fmt.money(amount or Decimal(0)),
        'amount_due': fmt.money(amount_due or Decimal(0)),
        'amount_paid': fmt.money(amount_paid or Decimal(0)),
        'due_date': fmt.date(due_date),
        'company': company or '',
        'reference': reference or '',
        'payment_link': '',
        }
    values.update(extra or {})
    return {k: '' if v is None else str(v) for k, v in values.items()}


def render(text, values, html_escape=False):
    """The template `text` with the placeholders replaced

    With `html_escape` the values are escaped (for an HTML body), so that
    "Dupont & Fils" stays "Dupont &amp; Fils" in the markup.
    """
    if not text:
        return ''
    if html_escape:
        values = {k: html.escape(v, quote=True) for k, v in values.items()}
    try:
        template = TextTemplate(text)
    except Exception as exception:
        raise TemplateSyntaxError(str(exception)) from exception
    try:
        return template.generate(**values).render()
    except UndefinedError as exception:
        match = re.search(r'"([^"]+)" not defined', str(exception))
        raise PlaceholderError(
            match.group(1) if match else str(exception)) from exception


def choose_recipients(mechanisms, party_name):
    """The addresses to send a customer's invoices to, as (name, email)

    `mechanisms` are the customer's active contact mechanisms in their
    order, as (type, value, name, invoice_usage).  Every email flagged for
    the Invoice usage receives it; without any, the first email does.
    """
    emails = [(name or party_name, value.strip())
        for type_, value, name, usage in mechanisms
        if type_ == 'email' and value and value.strip()]
    flagged = [(name or party_name, value.strip())
        for type_, value, name, usage in mechanisms
        if type_ == 'email' and value and value.strip() and usage]
    chosen = flagged or emails[:1]
    seen, result = set(), []
    for name, address in chosen:
        if address.lower() not in seen:
            seen.add(address.lower())
            result.append((name, address))
    return result


def format_recipient(name, address):
    "Name <address>, the name quoted when it holds special characters"
    if not name:
        return address
    if re.search(r'[][\\()<>@,:;".]', name):
        name = '"%s"' % re.sub(r'([\\"])', r'\\\1', name)
    return '%s <%s>' % (name, address)


def attachment_name(kind, number, language):
    "The file name of the attached PDF: Facture_F-2026-0001.pdf"
    language = language_of(language)
    label = DOCUMENT_NAMES.get(kind, DOCUMENT_NAMES['invoice'])[language]
    number = re.sub(r'[^A-Za-z0-9._-]+', '-', number or '').strip('-.')
    return '%s_%s.pdf' % (label, number or DRAFT[language])


def template_kind(kind, state, total_amount):
    "Which of the shipped templates fits an invoice by default"
    if kind == 'credit_note' or (total_amount or 0) < 0:
        return 'credit_note'
    if state == 'paid':
        return 'receipt'
    return 'invoice'


_BLOCK_END = re.compile(
    r'</(p|div|h[1-6]|tr|table|ul|ol|blockquote)\s*>', re.I)
_LINE_END = re.compile(r'</li\s*>', re.I)
_LINE_BREAK = re.compile(r'<br\s*/?>', re.I)
_LIST_ITEM = re.compile(r'<li[^>]*>', re.I)
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.I | re.S)
_TAG = re.compile(r'<[^>]+>')


def html_to_text(markup):
    """A plain-text version of a simple HTML body (the text/plain part)

    The host's own conversion needs html2text, which it does not require.
    """
    def link(match):
        href, label = html.unescape(match.group(1)), match.group(2)
        label_text = html.unescape(_TAG.sub('', label)).strip()
        if not label_text or label_text == href:
            return href
        return '%s (%s)' % (label_text, href)

    text = _LINK.sub(link, markup or '')
    text = re.sub(r'\s*\n\s*', ' ', text)
    text = _LINE_BREAK.sub('\n', text)
    text = _LIST_ITEM.sub('- ', text)
    text = _LINE_END.sub('\n', text)
    text = _BLOCK_END.sub('\n\n', text)
    text = html.unescape(_TAG.sub('', text))
    lines = [line.strip() for line in text.split('\n')]
    text = re.sub(r'\n{3,}', '\n\n', '\n'.join(lines))
    return text.strip() + '\n'
