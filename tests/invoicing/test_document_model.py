# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The invoice document's figures, strings and EPC QR code, without
database."""
import datetime
from decimal import Decimal

import pytest

from mentorsig_invoicing.document import epc, model, strings
from mentorsig_invoicing.document.samples import sample_invoice


def test_line_amounts_after_discount():
    line = model.Line("Audit", Decimal('3'), Decimal('333.33'),
        Decimal('20'), discount=Decimal('15'))
    assert line.gross_amount == Decimal('999.99')
    # 999.99 * 0.85 = 849.9915
    assert line.amount == Decimal('849.99')
    assert line.discount_amount == Decimal('150.00')
    assert line.net_unit_price == Decimal('283.3305')


def test_totals_with_three_rates_discount_and_deposit():
    document = sample_invoice(lines=6)
    # 4 lines at 1200 and 2 discounted lines at 1080, then 226.80 at 10 %
    # and 127.50 at 5.5 %, less the deposit deducted: 833.33 at 20 %
    assert document.untaxed_amount == Decimal('6480.97')
    assert document.discount_total == Decimal('240.00')
    assert [(t.rate, t.base, t.amount) for t in document.tax_summary] == [
        # 6126.67 * 20 % = 1225.334: the deposit's VAT is given back
        (Decimal('20'), Decimal('6126.67'), Decimal('1225.33')),
        (Decimal('10'), Decimal('226.80'), Decimal('22.68')),
        # 7.0125 rounded once for the whole rate
        (Decimal('5.5'), Decimal('127.50'), Decimal('7.01')),
        ]
    assert document.tax_amount == Decimal('1255.02')
    # 8735.99 before the deposit of 1000.00 taxes included
    assert document.total_amount == Decimal('7735.99')
    assert document.prepaid_amount == 0
    assert document.amount_due == Decimal('7735.99')
    deduction = document.lines[-1]
    assert deduction.amount == Decimal('-833.33')
    assert deduction.discount_amount == 0
    for value in (document.untaxed_amount, document.tax_amount,
            document.total_amount, document.amount_due):
        assert isinstance(value, Decimal)


def test_tax_rounded_per_rate_not_per_line():
    lines = [model.Line(f"Item {i}", Decimal(1), Decimal('0.05'),
            Decimal('5.5')) for i in range(10)]
    document = sample_invoice()
    document.items = lines
    # per line: 10 * round(0.00275) = 0.00; per rate: round(0.0275) = 0.03
    assert document.tax_amount == Decimal('0.03')


def test_subtotals_close_each_section():
    document = sample_invoice(lines=6)
    subtotals = [item for item in document.items_with_subtotals()
        if isinstance(item, model.Subtotal)]
    assert [(s.section.title, s.amount) for s in subtotals] == [
        ("Prestations", Decimal('6960.00')),
        ("Fournitures", Decimal('354.30')),
        ]


def test_unknown_kind_or_language_refused():
    with pytest.raises(ValueError):
        sample_invoice(kind='quote')
    with pytest.raises(ValueError):
        sample_invoice(language='de')


def test_both_languages_have_every_string():
    assert strings.STRINGS['fr'].keys() == strings.STRINGS['en'].keys()
    for key in strings.STRINGS['fr']:
        assert strings.STRINGS['fr'][key] != '' != strings.STRINGS['en'][key]


def test_number_and_date_formats():
    french = strings.Formatter('fr')
    english = strings.Formatter('en')
    assert french.money(Decimal('12345.6')) == '12\u202f345,60\u00a0€'
    assert english.money(Decimal('12345.6')) == '€12,345.60'
    assert english.money(Decimal('-5')) == '-€5.00'
    assert french.percent(Decimal('5.50')) == '5,5\u00a0%'
    assert english.percent(Decimal('20')) == '20\u00a0%'
    assert french.number(Decimal('2.500'), strip=True) == '2,5'
    day = datetime.date(2026, 3, 7)
    assert french.date(day) == '07/03/2026'
    assert english.date(day) == '7 March 2026'


def test_epc_payload():
    document = sample_invoice(lines=6)
    payload = epc.payload(document)
    assert len(payload) <= 331
    fields = payload.decode('iso-8859-1').split('\n')
    assert fields[:8] == [
        'BCD', '002', '2', 'SCT', 'AGRIFRPP', "MentorSiG Démo SAS",
        'FR7630006000011234567890189', 'EUR7735.99']
    # no purpose, no structured reference, the invoice number as text
    assert fields[8:] == ['', '', 'F-2026-00042 Boulangerie Dupont SARL']
    qr = epc.make_qr(document)
    assert qr.error == 'M'


def test_epc_fields_cut_to_their_limits():
    document = sample_invoice()
    document.seller.name = 'N' * 100
    document.buyer.name = 'B' * 200
    payload = epc.payload(document)
    fields = payload.decode('iso-8859-1').split('\n')
    assert len(fields[5]) == 70
    assert len(fields[10]) == 140
    assert len(payload) <= 331


def test_no_epc_code_when_nothing_due():
    document = sample_invoice()
    document.amount_paid = document.total_amount
    assert document.amount_due == 0
    assert epc.payload(document) is None
    assert epc.make_qr(sample_invoice(kind=model.CREDIT_NOTE)) is None
    document = sample_invoice()
    document.seller.iban = ''
    assert epc.make_qr(document) is None
    document = sample_invoice()
    document.currency = 'USD'
    assert epc.make_qr(document) is None


def test_epc_code_with_a_fixed_mask_is_what_segno_would_make():
    "Same payload, level M, version as small as segno's own helper picks"
    import segno.helpers
    document = sample_invoice()
    for number, buyer in [('F-1', "A"), ('F-2026-00042', "B" * 200)]:
        document.number, document.buyer.name = number, buyer
        ours = epc.make_qr(document)
        reference = segno.helpers.make_epc_qr(**epc._arguments(document))
        assert ours.mask == epc.MASK
        assert (ours.version, ours.error) == (
            reference.version, reference.error)
        assert ours.version <= 13


def test_content_is_shared_by_the_pdf_and_the_odt():
    "The ODT template reads the same strings as the PDF prints"
    from mentorsig_invoicing.document import content
    document = sample_invoice(lines=2)
    document.lines[0].extra_fields = [model.ExtraField("Lot", "B")]
    text = content.document_text(document)
    assert text.title == 'FACTURE'
    assert text.due == ('Net à payer · Total TTC', content.formatter(document).money(
            document.amount_due))
    assert [r.kind for r in text.rows] == [
        'section', 'line', 'line', 'subtotal', 'section', 'line', 'line',
        'subtotal', 'section', 'line']
    assert text.rows[-1].amount == '-833,33\xa0€'
    assert text.rows[1].notes == ['Lot : B']
    assert ('Chantier', "Lyon Presqu'île") in text.facts
    assert any('pénalités' in t for t in text.legal)


def test_the_odt_prints_prices_with_their_digits():
    "The ODT's rows (the same content as the PDF) keep the price's digits"
    from mentorsig_invoicing.document import content
    document = sample_invoice(lines=0, deposit=False, language='en')
    document.items = [
        model.Line("Vis", Decimal(3), Decimal('12.345678'), Decimal(20)),
        model.Line("Écrous", Decimal(1), Decimal('7.1000'), Decimal(20))]
    rows = content.document_text(document).rows
    assert [(r.unit_price, r.amount) for r in rows] == [
        ('12.345678', '€37.04'), ('7.10', '€7.10')]
