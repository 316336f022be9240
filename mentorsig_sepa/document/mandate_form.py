# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printable SEPA direct debit mandate (A4 PDF, reportlab), without ORM.

`render(form)` returns the PDF bytes of a `MandateForm`.  The form is
bilingual, French then English, as French banks hand them out: the debtor
signs one paper whatever their language.  It carries the mandatory
elements of the EPC rulebooks (SDD Core and B2B rulebooks 2025, annex
"mandate"): the title, the unique mandate reference, the creditor's name,
address and identifier, the debtor's name, address, IBAN and BIC, the type
of payment (recurrent or one-off), the date and place of signing, the
signature, and the rulebook's own legal text of the scheme (the B2B one
says the debtor has no refund right).  Those texts are fixed by the
rulebook in each language: they are not translated by the server, both
are always printed.

The fonts and colours are the invoice document's (mentorsig_invoicing
document.layout), so that accents of any name are drawn.
"""
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle)

from mentorsig_invoicing.document.layout import (
    BODY_WIDTH, LIGHT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, RULE,
    _group_iban, _styles, register_fonts)

# EPC rulebook texts, {creditor} is the creditor's name
LEGAL_TEXTS = {
    ('CORE', 'fr'): (
        "En signant ce formulaire de mandat, vous autorisez (A) {creditor} "
        "à envoyer des instructions à votre banque pour débiter votre "
        "compte, et (B) votre banque à débiter votre compte conformément "
        "aux instructions de {creditor}. Vous bénéficiez du droit d'être "
        "remboursé par votre banque selon les conditions décrites dans la "
        "convention que vous avez passée avec elle. Une demande de "
        "remboursement doit être présentée dans les 8 semaines suivant la "
        "date de débit de votre compte pour un prélèvement autorisé. Vos "
        "droits concernant le présent mandat sont expliqués dans un "
        "document que vous pouvez obtenir auprès de votre banque."),
    ('CORE', 'en'): (
        "By signing this mandate form, you authorise (A) {creditor} to send "
        "instructions to your bank to debit your account and (B) your bank "
        "to debit your account in accordance with the instructions from "
        "{creditor}. As part of your rights, you are entitled to a refund "
        "from your bank under the terms and conditions of your agreement "
        "with your bank. A refund must be claimed within 8 weeks starting "
        "from the date on which your account was debited. Your rights are "
        "explained in a statement that you can obtain from your bank."),
    ('B2B', 'fr'): (
        "En signant ce formulaire de mandat, vous autorisez (A) {creditor} "
        "à envoyer des instructions à votre banque pour débiter votre "
        "compte, et (B) votre banque à débiter votre compte conformément "
        "aux instructions de {creditor}. Ce mandat est uniquement destiné "
        "aux transactions interentreprises. Vous ne bénéficiez pas du "
        "droit d'être remboursé par votre banque après que votre compte a "
        "été débité, mais vous avez le droit de demander à votre banque de "
        "ne pas débiter votre compte jusqu'au jour où le paiement est dû. "
        "Veuillez contacter votre banque pour connaître les procédures "
        "détaillées dans ce cas."),
    ('B2B', 'en'): (
        "By signing this mandate form, you authorise (A) {creditor} to send "
        "instructions to your bank to debit your account and (B) your bank "
        "to debit your account in accordance with the instructions from "
        "{creditor}. This mandate is only intended for business-to-business "
        "transactions. You are not entitled to a refund from your bank "
        "after your account has been debited, but you are entitled to "
        "request your bank not to debit your account up until the day on "
        "which the payment is due. Please contact your bank for detailed "
        "procedures in such a case."),
    }
TITLES = {
    'CORE': ("Mandat de prélèvement SEPA", "SEPA Direct Debit Mandate"),
    'B2B': ("Mandat de prélèvement SEPA interentreprises",
        "SEPA Business-to-Business Direct Debit Mandate"),
    }
# (French, English) labels of the form's boxes
LABELS = {
    'reference': ("Référence unique du mandat", "Mandate reference"),
    'creditor': ("Créancier", "Creditor"),
    'creditor_identifier': ("Identifiant créancier SEPA",
        "Creditor identifier"),
    'debtor': ("Débiteur", "Debtor"),
    'name': ("Nom", "Name"),
    'address': ("Adresse", "Address"),
    'iban': ("IBAN", "IBAN"),
    'bic': ("BIC", "BIC"),
    'type': ("Type de paiement", "Type of payment"),
    'recurrent': ("Paiement récurrent", "Recurrent payment"),
    'one-off': ("Paiement ponctuel", "One-off payment"),
    'place': ("Lieu", "Place"),
    'date': ("Date", "Date"),
    'signature': ("Signature", "Signature"),
    'rights': ("Note : vos droits concernant le présent mandat sont "
        "expliqués dans un document que vous pouvez obtenir auprès de "
        "votre banque.", "Note: your rights regarding the above mandate "
        "are explained in a statement that you can obtain from your "
        "bank."),
    'return': ("Merci de renvoyer ce mandat signé à votre créancier.",
        "Please return this signed mandate to the creditor."),
    }
SCHEMES = set(TITLES)
TYPES = {'recurrent', 'one-off'}


@dataclass
class MandateForm:
    "What the printed mandate shows"
    reference: str
    scheme: str  # CORE or B2B
    type: str  # recurrent or one-off
    creditor_name: str
    creditor_identifier: str
    debtor_name: str
    creditor_address: list = field(default_factory=list)  # lines
    debtor_address: list = field(default_factory=list)
    debtor_iban: str = ''
    debtor_bic: str = ''
    signature_date: object = None  # a date, or None for a blank form
    signature_place: str = ''

    def __post_init__(self):
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme {self.scheme!r} not in {SCHEMES}")
        if self.type not in TYPES:
            raise ValueError(f"type {self.type!r} not in {TYPES}")


def legal_texts(form):
    "The rulebook's text of the form's scheme, (French, English)"
    creditor = form.creditor_name
    return tuple(LEGAL_TEXTS[form.scheme, lang].format(creditor=creditor)
        for lang in ('fr', 'en'))


def _bilingual(label):
    french, english = LABELS[label]
    return f'{escape(french)} / <i>{escape(english)}</i>'


def _lines(values):
    return '<br/>'.join(escape(v) for v in values if v)


def render(form):
    "The PDF bytes of form"
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, leftMargin=MARGIN_X,
        rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{TITLES[form.scheme][1]} {form.reference}",
        author=form.creditor_name)
    label, base, heading = styles['label'], styles['base'], styles['heading']
    french_title, english_title = TITLES[form.scheme]
    story = [
        Paragraph(escape(french_title), styles['seller']),
        Paragraph(f'<i>{escape(english_title)}</i>', styles['heading']),
        Spacer(0, 4 * mm),
        ]

    def box(rows):
        table = Table(rows, colWidths=[55 * mm, BODY_WIDTH - 55 * mm])
        table.setStyle(TableStyle([
                    ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                    ('BOX', (0, 0), (-1, -1), 0.5, RULE),
                    ('LINEBELOW', (0, 0), (-1, -2), 0.25, RULE),
                    ('BACKGROUND', (0, 0), (0, -1), LIGHT),
                    ]))
        return table

    def row(name, value, markup=False):
        text = value if markup else escape(value or '')
        return [Paragraph(_bilingual(name), label), Paragraph(text, base)]

    story.append(box([row('reference', form.reference)]))
    story.append(Spacer(0, 3 * mm))
    for legal in legal_texts(form):
        story.append(Paragraph(escape(legal), base))
        story.append(Spacer(0, 2 * mm))
    story.append(Spacer(0, 2 * mm))
    story.append(Paragraph(_bilingual('debtor'), heading))
    story.append(box([
                row('name', form.debtor_name),
                row('address', _lines(form.debtor_address), markup=True),
                row('iban', _group_iban(form.debtor_iban or '')),
                row('bic', form.debtor_bic),
                ]))
    story.append(Spacer(0, 3 * mm))
    story.append(Paragraph(_bilingual('creditor'), heading))
    story.append(box([
                row('name', form.creditor_name),
                row('address', _lines(form.creditor_address), markup=True),
                row('creditor_identifier', form.creditor_identifier),
                ]))
    story.append(Spacer(0, 3 * mm))
    checks = '<br/>'.join(
        '%s %s' % ('☒' if form.type == kind else '☐', _bilingual(kind))
        for kind in ('recurrent', 'one-off'))
    date = form.signature_date.strftime('%d/%m/%Y') \
        if form.signature_date else ''
    story.append(box([
                row('type', checks, markup=True),
                row('place', form.signature_place),
                row('date', date),
                [Paragraph(_bilingual('signature'), label),
                    Spacer(0, 22 * mm)],
                ]))
    story.append(Spacer(0, 3 * mm))
    for name in ('rights', 'return'):
        french, english = LABELS[name]
        story.append(Paragraph(
                f'{escape(french)}<br/><i>{escape(english)}</i>',
                styles['muted']))
        story.append(Spacer(0, 1.5 * mm))
    document.build(story)
    return buffer.getvalue()
