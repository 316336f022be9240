# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Hostile text in a document: control characters, a description of any
length, emoji, CJK and right-to-left text all give a PDF and a valid
Factur-X, with a glyph for every character."""
import io
import re

from pypdf import PdfReader

from mentorsig_invoicing.document import facturx, layout, model, pdf, text
from mentorsig_invoicing.document import validation
from mentorsig_invoicing.document.samples import sample_invoice

NS = facturx.NS


def pages_text(data):
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r'[\u00a0\u202f ]+', ' ', page.extract_text())
        for page in reader.pages]


def font_names(data):
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page['/Resources']['/Font'].values():
            font = font.get_object()
            assert '/FontFile2' in font.get('/FontDescriptor', {}) or (
                '/DescendantFonts' in font), font
            names.add(str(font['/BaseFont']))
    return names


def assert_valid_facturx(document):
    xml = facturx.build_xml(document)
    assert validation.xsd_errors(xml) == []
    assert validation.schematron_errors(xml) == []
    # the PDF/A-3 with the XML embedded renders too
    facturx.render(document)
    return xml


def test_clean_turns_control_characters_into_what_the_user_meant():
    assert text.clean("Ligne 1\x0bLigne 2") == "Ligne 1\nLigne 2"
    assert text.clean("a\r\nb\rc\x0cd\u2028e\x85f") == "a\nb\nc\nd\ne\nf"
    assert text.clean("col\tcol") == "col col"
    assert text.clean("bip\x07 nul\x00 esc\x1b[0m del\x7f") == (
        "bip nul esc[0m del")
    assert text.clean("lone \ud800 surrogate \ufffe") == (
        "lone  surrogate ")
    # one-line texts (names, numbers) get a space for a line break
    assert text.clean("Dupont\x0bSARL", multiline=False) == "Dupont SARL"
    # decomposed accents are composed (e + U+0301 is é)
    assert text.clean("Cafe\u0301") == "Café"
    assert text.clean("Déjà vu 👍") == "Déjà vu 👍"


def test_control_characters_enter_the_document_cleaned():
    document = sample_invoice(lines=2)
    document.lines[0].description = (
        "Pose\x0bpremière étape\x0csuite\tfin\x00\x1b")
    document.buyer.name = "Boulangerie\x0bDupont"
    document = model.InvoiceDocument(**{
            f: getattr(document, f) for f in document.__dataclass_fields__})
    assert document.lines[0].description == (
        "Pose\npremière étape\nsuite fin")
    assert document.buyer.name == "Boulangerie Dupont"
    texts = pages_text(pdf.render(document))
    assert "Pose\npremière étape\nsuite fin" in texts[0]
    xml = assert_valid_facturx(document)
    root = validation.parse(xml)
    assert root.findtext('.//ram:SpecifiedTradeProduct/ram:Name',
        namespaces=NS) == "Pose\npremière étape\nsuite fin"


def test_text_changed_after_building_is_cleaned_at_rendering():
    document = sample_invoice(lines=2)
    document.lines[0].description = "vertical\x0btab"
    document.notes = ["note\x0bwith\x07 bell"]
    assert_valid_facturx(document)
    assert document.lines[0].description == "vertical\ntab"
    assert document.notes == ["note\nwith bell"]


def test_ten_thousand_character_description_splits_across_pages():
    words = [f"mot{index:04d}" for index in range(1300)]
    description = ' '.join(words)[:10000]
    assert len(description) == 10000
    document = sample_invoice(lines=3)
    document.lines[1].description = description
    texts = pages_text(pdf.render(document))
    assert len(texts) >= 3
    whole = ' '.join(' '.join(texts).split())
    # every word printed, once, in order
    printed = re.findall(r'mot\d{4}', whole)
    assert printed == re.findall(r'mot\d{4}', description)
    # the lines after it and the totals still print
    assert whole.index(printed[-1]) < whole.index("Net à payer")
    for number, page in enumerate(texts, 1):
        assert f"Page {number} / {len(texts)}" in page
    assert_valid_facturx(document)


def test_a_word_wider_than_its_column_is_cut():
    document = sample_invoice(lines=2)
    document.lines[0].description = 'x' * 3000
    document.notes = ['y' * 3000]
    document.buyer.address.street_lines = ['z' * 400]
    texts = pages_text(pdf.render(document))
    whole = ''.join(''.join(texts).split())
    assert whole.count('x') >= 3000 and whole.count('y') >= 3000
    lines = layout.split_lines('w' * 500, layout.FONT, 8, 100)
    assert len(lines) > 5 and ''.join(lines) == 'w' * 500
    for line in lines:
        assert layout.text_width(line, layout.FONT, 8) <= 100


EMOJI = "Livraison 🚚 rapide 👍 ☕ 🎉"
CJK = "请款单 日本語の請求書 한국어 청구서"
RTL = "חשבונית מס שלום · فاتورة ضريبية"


def test_every_character_has_a_glyph():
    layout.register_fonts()
    for sample in [EMOJI, CJK, RTL, "Ünïcödé ß Ωμέγα Кириллица"]:
        for font in (layout.FONT, layout.FONT_BOLD):
            for name, part in layout.font_runs(sample, font):
                assert layout.covered(part, name), (name, part)
                assert layout.REPLACEMENT not in part, part
    # a character no font has prints as U+FFFD, never as the .notdef box
    runs = layout.font_runs("a\U000e01efb\u0378c", layout.FONT)
    assert ''.join(p for _, p in runs) == "ab\ufffdc"


def test_emoji_cjk_and_right_to_left_print_with_fallback_fonts():
    document = sample_invoice(lines=3)
    document.lines[0].description = EMOJI
    document.lines[1].description = CJK
    document.lines[2].description = RTL
    document.buyer.name = "株式会社 東京 🍣"
    document.notes = [CJK + " " + EMOJI]
    data = pdf.render(document)
    fonts = font_names(data)
    assert any('WenQuanYi' in f for f in fonts), fonts
    assert any('Symbola' in f for f in fonts), fonts
    whole = ''.join(''.join(pages_text(data)).split())
    for sample in [EMOJI, CJK, "株式会社東京"]:
        for char in sample.replace(' ', ''):
            assert char in whole, char
    # right-to-left words drawn in visual order: read back in logical order
    assert "חשבונית" in whole and "שלום" in whole
    xml = assert_valid_facturx(document)
    root = validation.parse(xml)
    names = [e.text for e in root.iterfind(
            './/ram:SpecifiedTradeProduct/ram:Name', namespaces=NS)]
    assert names[:3] == [EMOJI, CJK, RTL]


def test_fallback_in_bold_and_in_the_page_decorations():
    document = sample_invoice(lines=120)
    document.seller.name = "Société 日本 ✈"
    document.items.insert(0, model.Section("Étape 🚀 一"))
    data = pdf.render(document)
    texts = pages_text(data)
    assert len(texts) > 1
    assert "日本" in texts[1] and "✈" in texts[1]
    assert "🚀" in texts[0]


def test_right_to_left_in_visual_order_with_arabic_letters_joined():
    assert layout.visual("Facture 42") == "Facture 42"
    assert layout.visual("שלום") == "םולש"
    # a French line keeps its order, the Hebrew word in it is reversed
    assert layout.visual("Client שלום SARL") == "Client םולש SARL"
    arabic = layout.visual("فاتورة")
    # presentation forms (joined letters), drawn from the last letter
    assert all('\ufe70' <= c <= '\ufeff' for c in arabic), arabic
    assert arabic[-1] == '\ufed3'  # initial FEH, the first letter read
    layout.register_fonts()
    assert layout.covered(arabic, layout.FONT)
    # wrapped first, then each line reordered: lines stay in reading order
    document = sample_invoice(lines=1)
    document.notes = [("שלום " * 60).strip()]
    texts = pages_text(pdf.render(document))
    assert "שלום" in texts[0]
