# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The reportlab PDF of an invoice document, read back with pypdf."""
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from mentorsig_invoicing.document import model, pdf, strings
from mentorsig_invoicing.document.samples import sample_invoice


def pages_text(data):
    "The text of each page, spaces normalised (French uses no-break spaces)"
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r'[\u00a0\u202f ]+', ' ', page.extract_text())
        for page in reader.pages]


def test_one_page_invoice_in_french():
    text, = pages_text(pdf.render(sample_invoice(lines=6)))
    for expected in [
            "FACTURE", "N° F-2026-00042", "MentorSiG Démo SAS",
            "Boulangerie Dupont SARL", "Villeurbanne", "27/11/2026",
            "27/12/2026", "Désignation", "Sous-total Prestations",
            "Total HT", "6 480,97 €", "1 225,33 €", "22,68 €", "7,01 €",
            "Acompte déduit, facture A-2026-00007", "-833,33 €",
            "Total TTC", "Net à payer", "7 735,99 €",
            "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
            "SIREN 732829320 RCS Paris", "FR44732829320",
            "12,15 %", "40,00 €", "Pas d'escompte",
            "Chantier", "Page 1 / 1",
            ]:
        assert expected in text, expected


def test_english_strings():
    text, = pages_text(pdf.render(sample_invoice(lines=6, language='en')))
    for expected in ["INVOICE", "Description", "Unit price",
            "Total excl. VAT", "€6,480.97", "Deposit deducted", "Amount due",
            "€7,735.99",
            "Late payment", "€40.00", "No discount for early payment",
            "Page 1 / 1"]:
        assert expected in text, expected
    for french in ["Facture", "Désignation", "Net à payer", "Échéance"]:
        assert french not in text


def test_two_hundred_lines_paginate_with_header_and_page_numbers():
    document = sample_invoice(lines=200)
    texts = pages_text(pdf.render(document))
    pages = len(texts)
    assert 4 <= pages <= 8
    for number, text in enumerate(texts, 1):
        assert f"Page {number} / {pages}" in text
        # the table header is repeated on every page carrying lines
        if number < pages:
            assert "Désignation" in text and "Montant HT" in text
        if number > 1:
            assert "Facture N° F-2026-00042 (suite)" in text
    whole = '\n'.join(texts)
    # every line printed exactly once: no row lost or split across pages
    for index in range(1, 201):
        assert len(re.findall(rf'lot {index}\b', whole)) == 1, index
    # the totals come after the last line, never before
    assert whole.index("lot 200") < whole.index("Net à payer")
    assert "Net à payer" in texts[-1] or "Net à payer" in texts[-2]


def test_fonts_are_embedded_truetype_only():
    reader = PdfReader(io.BytesIO(pdf.render(sample_invoice())))
    for page in reader.pages:
        for font in page['/Resources']['/Font'].values():
            font = font.get_object()
            assert 'DejaVuSans' in font['/BaseFont']
            assert '/FontFile2' in font['/FontDescriptor']


def test_same_content_same_bytes():
    assert pdf.render(sample_invoice()) == pdf.render(sample_invoice())
    changed = sample_invoice()
    changed.items[1].quantity += 1
    assert pdf.render(changed) != pdf.render(sample_invoice())


def test_qr_only_when_something_is_due():
    text, = pages_text(pdf.render(sample_invoice()))
    assert "Scannez avec votre" in text
    document = sample_invoice()
    document.amount_paid = document.amount_due
    text, = pages_text(pdf.render(document))
    assert "Scannez" not in text
    assert "Rien à payer" in text


def test_credit_note():
    document = sample_invoice(kind=model.CREDIT_NOTE, deposit=False)
    document.credited_invoice = 'F-2026-00041'
    text, = pages_text(pdf.render(document))
    assert "AVOIR" in text
    assert re.search(r"Avoir sur la facture\s+F-2026-00041", text)
    assert "Montant à rembourser" in text
    assert "Scannez" not in text
    assert "pénalités" not in text


def test_logo_and_long_descriptions():
    from PIL import Image
    buffer = io.BytesIO()
    Image.new('RGB', (300, 100), (31, 58, 95)).save(buffer, 'PNG')
    document = sample_invoice()
    document.seller.logo = buffer.getvalue()
    document.items[1].description = "Très longue désignation " * 40
    document.items[1].note = "Détail\nsur deux lignes"
    texts = pages_text(pdf.render(document))
    assert "sur deux lignes" in '\n'.join(texts)


def payment_link_block(context):
    url = context.document.extensions.get('payment_link')
    if not url:
        return []
    return [context.paragraph(f"Payer en ligne : {url}")]


def test_other_modules_add_blocks():
    blocks = pdf.with_block(pdf.DEFAULT_BLOCKS,
        pdf.Block('test_payment_link', payment_link_block), after='payment')
    names = [b.name for b in blocks]
    assert names.index('test_payment_link') == names.index('payment') + 1
    # the default list is left as it is: another database prints without
    assert 'test_payment_link' not in [b.name for b in pdf.DEFAULT_BLOCKS]
    document = sample_invoice()
    document.extensions['payment_link'] = 'https://pay.example/x1'
    text, = pages_text(pdf.render(document))
    assert "Payer en ligne" not in text
    text, = pages_text(pdf.render(document, blocks))
    assert "Payer en ligne : https://pay.example/x1" in text
    del document.extensions['payment_link']
    text, = pages_text(pdf.render(document, blocks))
    assert "Payer en ligne" not in text
    # adding the same name again replaces it; before= puts it before
    again = pdf.with_block(blocks, pdf.Block('test_payment_link',
            lambda c: []))
    assert [b.name for b in again].count('test_payment_link') == 1
    first = pdf.with_block(pdf.DEFAULT_BLOCKS,
        pdf.Block('first', lambda c: []), before='header')
    assert first[0].name == 'first'


def test_minimal_document():
    "No bank account, due date, terms, SIREN, delivery or extra field"
    document = model.InvoiceDocument(
        kind=model.INVOICE, number='F-1',
        seller=model.Seller("Solo"), buyer=model.Party("Client"),
        invoice_date=sample_invoice().invoice_date,
        items=[model.Line("Conseil", model.Decimal(1), model.Decimal(100),
                model.Decimal(20))])
    text, = pages_text(pdf.render(document))
    assert "Net à payer · Total TTC" in text
    assert "120,00 €" in text


def test_extra_fields_in_header_and_under_their_line():
    document = sample_invoice(lines=3)
    document.extra_fields = [
        model.ExtraField("Chantier", "Lyon Presqu'île"),
        model.ExtraField("Référence du marché public de travaux",
            "MP-2026-0042"),
        ]
    first, second = document.lines[:2]
    first.extra_fields = [model.ExtraField("Lot", "Bâtiment B")]
    text, = pages_text(pdf.render(document))
    # the invoice's fields in the header, before the customer and lines
    header = text[:text.index("Facturé à")]
    assert "Chantier" in header and "Lyon Presqu'île" in header
    # a long label wraps in the header instead of overflowing
    assert "MP-2026-0042" in header
    assert "Référence du marché" in header
    # a line's fields under its description, before the next line
    assert (text.index(first.description)
        < text.index("Lot : Bâtiment B")
        < text.index(second.description))
    assert "Informations complémentaires" not in text


def test_extra_fields_in_english():
    document = sample_invoice(lines=2, language='en')
    document.lines[0].extra_fields = [model.ExtraField("Building", "B")]
    text, = pages_text(pdf.render(document))
    assert "Site" in text[:text.index("Bill to")]
    assert "Building: B" in text


def test_credit_note_reason_and_credited_invoice():
    for language, expected in [
            ('fr', ["AVOIR", "Motif de l'avoir : Erreur de quantité",
                    "Avoir sur la facture"]),
            ('en', ["CREDIT NOTE", "Reason for the credit note: Erreur",
                    "Credit note for invoice"])]:
        document = sample_invoice(
            kind=model.CREDIT_NOTE, deposit=False, language=language)
        document.credited_invoice = 'F-2026-00041'
        document.credit_reason = "Erreur de quantité"
        text, = pages_text(pdf.render(document))
        for string in expected + ['F-2026-00041']:
            assert string in text, string


def test_untaxed_line_states_why():
    document = sample_invoice(lines=1, deposit=False)
    document.items.append(model.Line("Débours", Decimal(1), Decimal(50),
            Decimal(0), vat_category=model.no_vat_category(
                document.seller.vat_number)))
    text, = pages_text(pdf.render(document))
    assert "Opération exonérée de TVA" in text


def test_a_note_longer_than_a_page_flows_onto_the_next():
    "Plain texts wrap on spaces and split between their lines at a page end"
    document = sample_invoice(lines=2, deposit=False)
    words = ' '.join(f'mot{index}' for index in range(3000))
    document.notes = [words + '\nDernière ligne de la note.']
    pages = pages_text(pdf.render(document))
    assert len(pages) >= 2
    text = ' '.join(' '.join(pages).split())
    for word in ('mot0', 'mot1500', 'mot2999', 'Dernière ligne de la note.'):
        assert word in text, word
    # every word printed once: nothing lost or doubled at the split
    assert len(re.findall(r'\bmot\d+\b', text)) == 3000


def test_plain_text_wraps_within_its_width_and_splits_between_lines():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.enums import TA_RIGHT
    from mentorsig_invoicing.document.layout import FONT, PlainText
    pdf.register_fonts()
    style = ParagraphStyle('t', fontName=FONT, fontSize=10, leading=12,
        alignment=TA_RIGHT)
    from reportlab.pdfbase.pdfmetrics import stringWidth
    text = PlainText("un deux trois quatre cinq six", style)
    width, height = text.wrap(60, 1000)
    assert width == 60 and len(text.lines) >= 3
    assert height == 12 * len(text.lines)
    assert ' '.join(text.lines) == "un deux trois quatre cinq six"
    assert all(stringWidth(line, FONT, 10) <= 60 for line in text.lines)
    first, second = text.split(60, 25)
    assert first.lines + second.lines == text.lines
    assert len(first.lines) == 2
    assert text.split(60, 5) == []


def test_prices_print_with_the_digits_they_have():
    document = sample_invoice(lines=0, deposit=False)
    document.items = [model.Line("Vis", Decimal(3), Decimal('12.345678'),
            Decimal(20))]
    text, = pages_text(pdf.render(document))
    # 3 x 12,345678 = 37,04: the price printed gives the amount printed
    assert "12,345678" in text and "37,04 €" in text
    assert "12,35" not in text
    document.items[0].unit_price = Decimal('12.5')
    text, = pages_text(pdf.render(document))
    assert "12,50" in text


def test_credit_note_date_is_labelled_as_such():
    for language, label, other in [
            ('fr', "Date de l'avoir", "Date de facture"),
            ('en', "Credit note date", "Invoice date")]:
        document = sample_invoice(kind=model.CREDIT_NOTE, deposit=False,
            language=language)
        text, = pages_text(pdf.render(document))
        assert label in text and other not in text
    text, = pages_text(pdf.render(sample_invoice(language='en')))
    assert "Invoice date" in text


def text_positions(data):
    "(text, x) of every text run of the first page"
    runs = []

    def visitor(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), tm[4] * cm[0] + cm[4]))
    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visitor)
    return runs


def test_english_grand_total_does_not_overlap_its_label():
    from mentorsig_invoicing.document import layout
    document = sample_invoice(lines=0, deposit=False, language='en')
    document.items = [model.Line("Audit", Decimal(1), Decimal('99999.99'),
            Decimal(20))]
    data = pdf.render(document)
    text, = pages_text(data)
    assert "€119,999.99" in text
    label = "Amount due · Total incl. VAT"
    assert ' '.join(text.split()).count("Amount due") == 1
    runs = text_positions(data)
    amount_x = [x for t, x in runs if t == "€119,999.99"][-1]
    label_runs = [(t, x) for t, x in runs if t.startswith("Amount due")]
    for t, x in label_runs:
        end = x + layout.text_width(t, layout.FONT_BOLD, 10)
        assert end < amount_x, (t, end, amount_x, label)


def test_draft_is_watermarked_without_payable_qr_code():
    for language, mark in [('fr', "BROUILLON"), ('en', "DRAFT")]:
        document = sample_invoice(lines=60, language=language)
        document.draft = True
        texts = pages_text(pdf.render(document))
        assert len(texts) > 1
        for text in texts:
            assert mark in text
        assert "Scannez" not in texts[-1] and "Scan with" not in texts[-1]
    posted = sample_invoice(lines=2)
    text, = pages_text(pdf.render(posted))
    assert "BROUILLON" not in text and "Scannez" in text


@pytest.mark.parametrize('price', ['8333.34', '83333.33', '833333.33'])
def test_english_grand_total_fits_its_label_from_ten_thousand(price):
    "From €10,000 incl. VAT up: the label ends before the amount starts"
    from mentorsig_invoicing.document import layout
    document = sample_invoice(lines=0, deposit=False, language='en')
    document.items = [model.Line("Audit", Decimal(1), Decimal(price),
            Decimal(20))]
    data = pdf.render(document)
    amount = strings.Formatter('en').money(document.total_amount)
    runs = text_positions(data)
    amount_x = [x for t, x in runs if t == amount][-1]
    label = [(t, x) for t, x in runs if t.startswith("Amount due")]
    assert label
    for text, x in label:
        assert x + layout.text_width(text, layout.FONT_BOLD, 10) < amount_x


@pytest.mark.parametrize('language', ['fr', 'en'])
def test_dates_block_ends_at_the_right_margin(language):
    "The dates end where the title ends: at the right margin"
    from mentorsig_invoicing.document import layout
    document = sample_invoice(language=language)
    fmt = strings.Formatter(language)
    runs = text_positions(pdf.render(document))
    right = layout.PAGE_WIDTH - layout.MARGIN_X
    date = fmt.date(document.invoice_date)
    ends = [x + layout.text_width(t, layout.FONT, 8.5)
        for t, x in runs if t == date]
    assert ends
    for end in ends:
        assert abs(end - right) < 0.5, (end, right)
    title = fmt('title_invoice').upper()
    title_end = [x + layout.text_width(t, layout.FONT_BOLD, 20)
        for t, x in runs if t == title]
    assert title_end and abs(title_end[0] - right) < 0.5
