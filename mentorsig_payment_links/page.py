# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public payment page: HTML in French or English, no ORM.

The page holds no script and loads nothing: its headers forbid scripts,
frames and referrers (the token is in the address)."""
from dataclasses import dataclass, field
from html import escape

STRINGS = {
    'en': {
        'title': "Invoice payment",
        'invoice': "Invoice",
        'date': "Date",
        'due': "Amount due",
        'pdf': "Download the invoice (PDF)",
        'pay_with': "Pay with %s",
        'no_provider': "Online payment is not offered for this invoice: "
        "please pay by bank transfer.",
        'unavailable_title': "Link not valid",
        'unavailable': "This payment link is not valid: it may have expired "
        "or been replaced. Please contact the sender of the invoice for a "
        "new link.",
        'paid_title': "Invoice paid",
        'paid': "This invoice is paid. Thank you.",
        'pending_title': "Payment being confirmed",
        'pending': "Thank you. Your payment is being confirmed by the "
        "payment provider; this page will show the invoice as paid once it "
        "is.",
        'down_title': "Payment not available right now",
        'down': "The payment provider cannot be reached at the moment. "
        "Nothing was charged. Please try again in a few minutes.",
        'valid_until': "This link is valid until %s.",
        },
    'fr': {
        'title': "Paiement de facture",
        'invoice': "Facture",
        'date': "Date",
        'due': "Montant dû",
        'pdf': "Télécharger la facture (PDF)",
        'pay_with': "Payer avec %s",
        'no_provider': "Le paiement en ligne n'est pas proposé pour cette "
        "facture : merci de la régler par virement.",
        'unavailable_title': "Lien non valide",
        'unavailable': "Ce lien de paiement n'est pas valide : il a pu "
        "expirer ou être remplacé. Merci de demander un nouveau lien à "
        "l'émetteur de la facture.",
        'paid_title': "Facture payée",
        'paid': "Cette facture est payée. Merci.",
        'pending_title': "Paiement en cours de confirmation",
        'pending': "Merci. Votre paiement est en cours de confirmation par "
        "le prestataire de paiement ; cette page indiquera la facture payée "
        "dès qu'il l'aura confirmé.",
        'down_title': "Paiement momentanément indisponible",
        'down': "Le prestataire de paiement ne répond pas pour le moment. "
        "Rien n'a été débité. Merci de réessayer dans quelques minutes.",
        'valid_until': "Ce lien est valable jusqu'au %s.",
        },
    }
PROVIDER_NAMES = {'stripe': "Stripe (carte)", 'paypal': "PayPal",
    'paybox': "Paybox (carte)"}
PROVIDER_NAMES_EN = {'stripe': "Stripe (card)", 'paypal': "PayPal",
    'paybox': "Paybox (card)"}

HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'"),
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    }

STYLE = (
    "body{font-family:sans-serif;max-width:34em;margin:3em auto;"
    "padding:0 1em;color:#222}h1{font-size:1.4em}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td{padding:.3em 1em .3em 0}.amount{font-size:1.3em;font-weight:bold}"
    "button{font-size:1em;padding:.6em 1.2em;margin:.3em 0;cursor:pointer}"
    ".muted{color:#666;font-size:.9em}")


def language(code):
    "fr for any French code, else en"
    return 'fr' if (code or '').lower().startswith('fr') else 'en'


def language_from_header(accept_language):
    "The first language of an Accept-Language header we speak"
    for part in (accept_language or '').split(','):
        code = part.split(';')[0].strip().lower()
        if code.startswith('fr'):
            return 'fr'
        if code.startswith('en'):
            return 'en'
    return 'en'


@dataclass
class Summary:
    "What the page shows of an invoice: nothing more leaves the server"
    lang: str
    company: str
    number: str
    date: str
    amount_due: str
    valid_until: str
    pdf_url: str
    providers: list = field(default_factory=list)  # [(name, form)]
    paid: bool = False


def _page(lang, title, body):
    return ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex,nofollow">'
        '<title>%s</title><style>%s</style></head><body>%s</body></html>'
        % (lang, escape(title), STYLE, body)).encode('utf-8')


def message_page(lang, key):
    "A page that only says something: unavailable, pending, down"
    lang = language(lang)
    text = STRINGS[lang]
    return _page(lang, text[key + '_title'], '<h1>%s</h1><p>%s</p>' % (
            escape(text[key + '_title']), escape(text[key])))


def provider_form(action, fields, label):
    "A button posting fields (list of pairs) to action"
    inputs = ''.join('<input type="hidden" name="%s" value="%s">'
        % (escape(n), escape(v)) for n, v in fields)
    return ('<form method="post" action="%s">%s<button type="submit">%s'
        '</button></form>' % (escape(action), inputs, escape(label)))


def summary_page(summary):
    lang = language(summary.lang)
    text = STRINGS[lang]
    names = PROVIDER_NAMES if lang == 'fr' else PROVIDER_NAMES_EN
    rows = [(text['invoice'], summary.number), (text['date'], summary.date)]
    if summary.paid:
        head = '<h1>%s</h1><p>%s</p>' % (
            escape(text['paid_title']), escape(text['paid']))
        rows_html = ''.join('<tr><td>%s</td><td>%s</td></tr>'
            % (escape(k), escape(v)) for k, v in rows)
        return _page(lang, text['paid_title'], '%s<p>%s</p><table>%s'
            '</table>' % (head, escape(summary.company), rows_html))
    rows.append((text['due'], summary.amount_due))
    rows_html = ''.join(
        '<tr><td>%s</td><td%s>%s</td></tr>' % (escape(k),
            ' class="amount" id="amount-due"' if k == text['due'] else '',
            escape(v)) for k, v in rows)
    buttons = ''.join(
        provider_form(action, fields, text['pay_with'] % names[name])
        for name, (action, fields) in summary.providers)
    if not buttons:
        buttons = '<p>%s</p>' % escape(text['no_provider'])
    body = ('<h1>%s</h1><p><strong>%s</strong></p><table>%s</table>'
        '<p><a href="%s">%s</a></p>%s<p class="muted">%s</p>' % (
            escape(text['title']), escape(summary.company), rows_html,
            escape(summary.pdf_url), escape(text['pdf']), buttons,
            escape(text['valid_until'] % summary.valid_until)))
    return _page(lang, text['title'], body)
