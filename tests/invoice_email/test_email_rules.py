# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoice emails without a database: placeholders, recipients, rendering,
the shipped templates in both languages, and delivery to a real SMTP
server (tests/lib/smtp_server.py)."""
import datetime as dt
import os
import smtplib
import xml.etree.ElementTree as ET
from decimal import Decimal
from email.message import EmailMessage

import polib
import pytest
from smtp_server import SMTPServer

import trytond.config as config
from mentorsig_invoice_email import email_rules as rules

MODULE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))), 'mentorsig_invoice_email')
NBSP, NNBSP = '\u00a0', '\u202f'


def values(language='fr', **extra):
    return rules.placeholders(
        language, 'EUR', customer="Dupont & Fils", number='F-2026-0042',
        invoice_date=dt.date(2026, 3, 5), amount=Decimal('1234.5'),
        amount_due=Decimal('234.50'), amount_paid=Decimal('1000'),
        due_date=dt.date(2026, 4, 4), company="Démo SAS",
        reference='PO 7', extra=extra)


def test_placeholders_french():
    result = values('fr_FR')
    assert result['amount'] == f'1{NNBSP}234,50{NBSP}€'
    assert result['amount_due'] == f'234,50{NBSP}€'
    assert result['due_date'] == '04/04/2026'
    assert result['invoice_date'] == '05/03/2026'
    assert result['payment_link'] == ''
    assert set(result) == set(rules.PLACEHOLDERS)


def test_placeholders_english():
    result = values('en')
    assert result['amount'] == '€1,234.50'
    assert result['amount_paid'] == '€1,000.00'
    assert result['due_date'] == '4 April 2026'


def test_placeholders_other_currency_and_missing_values():
    result = rules.placeholders(
        'en', 'SEK', customer=None, number='', invoice_date=None,
        amount=Decimal('10'), amount_due=None, amount_paid=None,
        due_date=None, company='C')
    assert result['amount'] == f'SEK{NBSP}10.00'
    assert result['amount_due'] == f'SEK{NBSP}0.00'
    assert result['due_date'] == result['customer'] == ''


def test_extra_placeholders_replace_and_add():
    result = values(payment_link='https://pay.example/x', iban='FR76')
    assert result['payment_link'] == 'https://pay.example/x'
    assert result['iban'] == 'FR76'


def test_render_escapes_html_body_but_not_subject():
    assert rules.render("${customer}: ${number}", values()) == (
        "Dupont & Fils: F-2026-0042")
    assert rules.render("<p>${customer}</p>", values(), html_escape=True) == (
        "<p>Dupont &amp; Fils</p>")


def test_render_conditional_payment_link():
    body = ('<p>A</p>\n#if payment_link\n'
        '<p><a href="${payment_link}">pay</a></p>\n#end\n<p>B</p>')
    assert 'href' not in rules.render(body, values(), html_escape=True)
    with_link = rules.render(
        body, values(payment_link='https://p.example/?a=1&b=2'),
        html_escape=True)
    assert 'href="https://p.example/?a=1&amp;b=2"' in with_link


def test_render_unknown_placeholder_names_it():
    with pytest.raises(rules.PlaceholderError) as info:
        rules.render("Hello ${client}", values())
    assert info.value.name == 'client'


def test_render_empty_template():
    assert rules.render(None, values()) == ''


@pytest.mark.parametrize('mechanisms, expected', [
        # The Invoice usage wins, all flagged addresses receive
        ([('email', 'boss@c.fr', '', False),
                ('phone', '0102', '', True),
                ('email', 'compta@c.fr', 'Compta', True),
                ('email', 'ap@c.fr', '', True)],
            [('Compta', 'compta@c.fr'), ('Client', 'ap@c.fr')]),
        # None flagged: the first email
        ([('phone', '0102', '', True),
                ('email', ' first@c.fr ', '', False),
                ('email', 'second@c.fr', '', False)],
            [('Client', 'first@c.fr')]),
        # Duplicates (any case) once
        ([('email', 'a@c.fr', '', True), ('email', 'A@c.fr', 'X', True)],
            [('Client', 'a@c.fr')]),
        ([('phone', '0102', '', True), ('email', '', '', True)], []),
        ([], []),
        ])
def test_choose_recipients(mechanisms, expected):
    assert rules.choose_recipients(mechanisms, 'Client') == expected


def test_format_recipient_quotes_special_names():
    assert rules.format_recipient('Dupont, Fils', 'a@c.fr') == (
        '"Dupont, Fils" <a@c.fr>')
    assert rules.format_recipient('Zoé', 'a@c.fr') == 'Zoé <a@c.fr>'
    assert rules.format_recipient('', 'a@c.fr') == 'a@c.fr'


@pytest.mark.parametrize('kind, number, language, expected', [
        ('invoice', 'F-2026-0042', 'fr', 'Facture_F-2026-0042.pdf'),
        ('invoice', 'F/2026/42', 'en_US', 'Invoice_F-2026-42.pdf'),
        ('credit_note', 'AV1', 'fr', 'Avoir_AV1.pdf'),
        ('deposit', 'A1', 'en', 'Deposit_invoice_A1.pdf'),
        ('invoice', '', 'fr', 'Facture_brouillon.pdf'),
        ('invoice', None, 'en', 'Invoice_draft.pdf'),
        ])
def test_attachment_name(kind, number, language, expected):
    assert rules.attachment_name(kind, number, language) == expected


@pytest.mark.parametrize('kind, state, total, expected', [
        ('invoice', 'posted', Decimal(10), 'invoice'),
        ('deposit', 'draft', Decimal(10), 'invoice'),
        ('credit_note', 'posted', Decimal(-10), 'credit_note'),
        ('invoice', 'posted', Decimal(-10), 'credit_note'),
        ('invoice', 'paid', Decimal(10), 'receipt'),
        ('credit_note', 'paid', Decimal(-10), 'credit_note'),
        ])
def test_template_kind(kind, state, total, expected):
    assert rules.template_kind(kind, state, total) == expected


def test_html_to_text():
    text = rules.html_to_text(
        '<p>Dear A &amp; B,</p>\n<p>Pay:\n<a href="https://p/x?a=1&amp;b=2">'
        'online</a> or <a href="https://p/y">https://p/y</a></p>'
        '<ul><li>one</li><li>two</li></ul><p>Regards,<br/>Demo</p>')
    assert text == (
        'Dear A & B,\n\nPay: online (https://p/x?a=1&b=2) or https://p/y\n\n'
        '- one\n- two\n\nRegards,\nDemo\n')


def shipped_templates():
    "The templates of invoice.xml and their French translations"
    tree = ET.parse(os.path.join(MODULE, 'invoice.xml'))
    po = polib.pofile(os.path.join(MODULE, 'locale', 'fr.po'))
    french = {e.msgctxt: e.msgstr for e in po}
    for record in tree.iter('record'):
        if record.get('model') != 'ir.email.template':
            continue
        fields = {f.get('name'): f.text for f in record.iter('field')}
        for name in ('subject', 'body'):
            key = 'model:ir.email.template,%s:%s' % (name, record.get('id'))
            yield record.get('id'), name, 'en', fields[name]
            yield record.get('id'), name, 'fr', french.get(key)


@pytest.mark.parametrize('template, field, language, text',
    list(shipped_templates()),
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else '')
def test_shipped_templates_render_in_both_languages(
        template, field, language, text):
    assert text, "no %s text for %s" % (language, template)
    result = rules.render(text, values(language), html_escape=field == 'body')
    assert 'F-2026-0042' in result
    if field == 'body':
        assert 'Dupont &amp; Fils' in result
        if template != 'email_template_receipt':
            assert values(language)['amount'] in result
        with_link = rules.render(text, values(
                language, payment_link='https://pay.example/l'),
            html_escape=True)
        if template == 'email_template_invoice':
            assert 'https://pay.example/l' in with_link
            assert 'https://pay.example/l' not in result


@pytest.fixture
def smtp():
    with SMTPServer(refuse=['nobody@client.example']) as server:
        saved = config.get('email', 'uri')
        config.set('email', 'uri', server.uri)
        try:
            yield server
        finally:
            config.set('email', 'uri', saved)


def message(to):
    result = EmailMessage()
    result['From'] = 'factures@demo.example'
    result['To'] = to
    result['Subject'] = 'Facture F-1'
    result.set_content('Bonjour')
    return result


def test_deliver_to_a_real_server(smtp):
    from mentorsig_invoice_email.invoice import deliver
    deliver(message('Zoé <zoe@client.example>'))
    assert smtp.wait_for(1) == 1
    received, = smtp.messages()
    assert received['Subject'] == 'Facture F-1'
    assert received['Message-ID'] and received['Date']
    assert smtp.envelopes()[0]['to'] == ['zoe@client.example']


def test_deliver_refused_recipient_raises(smtp):
    from mentorsig_invoice_email.invoice import deliver
    with pytest.raises(smtplib.SMTPRecipientsRefused) as info:
        deliver(message('nobody@client.example'))
    assert list(info.value.recipients) == ['nobody@client.example']
    # One of two refused: the other receives it, the failure still shows
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        deliver(message('nobody@client.example, ok@client.example'))
    assert smtp.wait_for(1) == 1
    assert smtp.envelopes()[0]['to'] == ['ok@client.example']


def test_deliver_without_server_raises():
    from mentorsig_invoice_email.invoice import deliver
    with socket_port() as port:
        saved = config.get('email', 'uri')
        config.set('email', 'uri', 'smtp://127.0.0.1:%s' % port)
        try:
            with pytest.raises(OSError):
                deliver(message('a@client.example'))
        finally:
            config.set('email', 'uri', saved)


class socket_port:
    "A loopback port nobody listens on"

    def __enter__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc_info):
        self.sock.close()


def due_text(language, amount, due, paid, date=dt.date(2026, 4, 4)):
    return rules.placeholders(
        language, 'EUR', customer="C", number='F-1', invoice_date=None,
        amount=Decimal(amount), amount_due=Decimal(due),
        amount_paid=Decimal(paid), due_date=date,
        company="C")['amount_due_text'].replace(NNBSP, ' ').replace(
            NBSP, ' ')


def test_the_email_states_what_is_due_now():
    "Nothing paid, partly paid, paid: the sentence says what is due now"
    assert due_text('fr', '1200', '1200', '0') == (
        "Montant à régler : 1 200,00 €, au plus tard le 04/04/2026.")
    assert due_text('en', '1200', '1200', '0', None) == (
        "Amount due: €1,200.00.")
    assert due_text('fr', '1200', '700', '500') == (
        "Déjà réglé : 500,00 €. Reste à régler : 700,00 €, au plus tard "
        "le 04/04/2026.")
    assert due_text('en', '1200', '700', '500', None) == (
        "Already paid: €500.00. Amount still due: €700.00.")
    # paid: it asks for nothing, whatever the PDF attached says
    assert due_text('fr', '1200', '0', '1200') == (
        "Cette facture est réglée : il ne reste rien à payer. Merci.")
    assert due_text('en', '1200', '0', '1200', None) == (
        "This invoice is paid: nothing is left to pay. Thank you.")
    # a credit note asks for nothing
    assert due_text('en', '0', '0', '0') == ''


def test_both_languages_say_the_same_things():
    assert set(rules.DUE_TEXTS['fr']) == set(rules.DUE_TEXTS['en'])
