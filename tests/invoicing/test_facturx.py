# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Factur-X (EN 16931): the CII XML against the Factur-X XSD and the
EN 16931 schematron run locally with Saxon, and the PDF/A-3 around it."""
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from mentorsig_invoicing.document import facturx, model, validation
from mentorsig_invoicing.document.samples import sample_invoice

NS = facturx.NS


def assert_valid(xml):
    "XSD, EN 16931 and the French rules (BR-FR), warnings included"
    assert validation.all_errors(xml) == []


def test_three_rates_deposit_and_discount_valid():
    document = sample_invoice(lines=6)
    xml = facturx.build_xml(document)
    assert_valid(xml)
    root = validation.parse(xml)
    assert root.findtext('.//ram:GuidelineSpecifiedDocumentContextParameter'
        '/ram:ID', namespaces=NS) == 'urn:cen.eu:en16931:2017'
    assert root.findtext('rsm:ExchangedDocument/ram:TypeCode',
        namespaces=NS) == '380'
    taxes = root.findall('.//ram:ApplicableHeaderTradeSettlement'
        '/ram:ApplicableTradeTax', namespaces=NS)
    assert [(t.findtext('ram:RateApplicablePercent', namespaces=NS),
                t.findtext('ram:BasisAmount', namespaces=NS),
                t.findtext('ram:CalculatedAmount', namespaces=NS))
            for t in taxes] == [
        ('20', '6126.67', '1225.33'),
        ('10', '226.80', '22.68'),
        ('5.5', '127.50', '7.01')]
    summation = root.find('.//ram:SpecifiedTradeSettlementHeaderMonetary'
        'Summation', namespaces=NS)
    assert {child.tag.split('}')[1]: child.text for child in summation} == {
        'LineTotalAmount': '6480.97',
        'TaxBasisTotalAmount': '6480.97',
        'TaxTotalAmount': '1255.02',
        'GrandTotalAmount': '7735.99',
        'DuePayableAmount': '7735.99',
        }
    # the discounted line: gross price, allowance, net price
    first = root.find('.//ram:IncludedSupplyChainTradeLineItem',
        namespaces=NS)
    assert first.findtext('.//ram:GrossPriceProductTradePrice'
        '/ram:ChargeAmount', namespaces=NS) == '480'
    assert first.findtext('.//ram:AppliedTradeAllowanceCharge'
        '/ram:ActualAmount', namespaces=NS) == '48'
    assert first.findtext('.//ram:NetPriceProductTradePrice'
        '/ram:ChargeAmount', namespaces=NS) == '432'
    assert first.findtext('.//ram:LineTotalAmount',
        namespaces=NS) == '1080.00'
    # the French mandatory mentions travel as notes
    subjects = [n.findtext('ram:SubjectCode', namespaces=NS) for n in
        root.findall('rsm:ExchangedDocument/ram:IncludedNote',
            namespaces=NS)]
    assert {'PMD', 'PMT', 'AAB'} <= set(subjects)
    assert root.findtext('.//ram:SellerTradeParty/ram:SpecifiedLegal'
        'Organization/ram:ID', namespaces=NS) == '732829320'
    # BT-33: the legal form, share capital and register (R123-237)
    assert root.findtext('.//ram:SellerTradeParty/ram:Description',
        namespaces=NS) == 'SAS au capital de 10 000 €, RCS Paris'
    assert root.find('.//ram:BuyerTradeParty/ram:Description',
        namespaces=NS) is None
    assert root.findtext('.//ram:PayeePartyCreditorFinancialAccount'
        '/ram:IBANID', namespaces=NS) == 'FR7630006000011234567890189'


@pytest.mark.parametrize('kind', [model.DEPOSIT, model.CREDIT_NOTE])
def test_other_kinds_valid(kind):
    document = sample_invoice(kind=kind, deposit=False, language='en')
    if kind == model.CREDIT_NOTE:
        document.credited_invoice = 'F-2026-00041'
        document.credited_invoice_date = document.invoice_date
    xml = facturx.build_xml(document)
    assert_valid(xml)
    assert validation.parse(xml).findtext(
        'rsm:ExchangedDocument/ram:TypeCode', namespaces=NS) == {
        model.DEPOSIT: '386', model.CREDIT_NOTE: '381'}[kind]


def test_exempt_lines_and_no_bank_account_valid():
    document = sample_invoice(deposit=False)
    document.seller.iban = ''
    document.items.append(model.Line(
            "Formation professionnelle", Decimal('1'), Decimal('900'),
            Decimal('0'), vat_category='E',
            vat_exemption_reason="Exonération, art. 261-4-4° du CGI"))
    assert_valid(facturx.build_xml(document))


def test_schematron_catches_wrong_totals():
    xml = facturx.build_xml(sample_invoice(lines=6))
    wrong = xml.replace(b'<ram:GrandTotalAmount>7735.99',
        b'<ram:GrandTotalAmount>7735.98')
    assert wrong != xml
    assert validation.xsd_errors(wrong) == []
    rules = {error[1] for error in validation.schematron_errors(wrong)}
    assert 'BR-CO-15' in rules


def test_xsd_catches_missing_elements():
    xml = facturx.build_xml(sample_invoice())
    broken = xml.replace(b'<ram:InvoiceCurrencyCode>EUR'
        b'</ram:InvoiceCurrencyCode>', b'')
    assert validation.xsd_errors(broken)


def test_parsing_never_resolves_external_entities(tmp_path):
    secret = tmp_path / 'secret.txt'
    secret.write_text('TOP-SECRET')
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
        f'"file://{secret}">]><r>&x;</r>').encode()
    root = validation.parse(hostile)
    from lxml import etree
    assert b'TOP-SECRET' not in etree.tostring(root)
    assert (root.text or '') == ''


def test_facturx_pdf_is_pdfa3_with_the_xml():
    document = sample_invoice(lines=6)
    data = facturx.render(document)
    assert data.startswith(b'%PDF-1.7')
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer['/Root']
    intent, = root['/OutputIntents']
    intent = intent.get_object()
    assert intent['/S'] == '/GTS_PDFA1'
    profile = intent['/DestOutputProfile'].get_object()
    assert profile['/N'] == 3
    assert profile.get_data()[36:40] == b'acsp'
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert '<pdfaid:part>3</pdfaid:part>' in xmp
    assert 'EN 16931' in xmp
    embedded = reader.attachments['factur-x.xml']
    assert embedded == [facturx.build_xml(document)]
    for page in reader.pages:
        for font in page['/Resources']['/Font'].values():
            assert '/FontFile2' in font.get_object()['/FontDescriptor']
    # the invoice number is in the text, for search and the browser test
    assert 'F-2026-00042' in reader.pages[0].extract_text()


def breakdowns(xml):
    root = validation.parse(xml)
    return [(t.findtext('ram:CategoryCode', namespaces=NS),
            t.findtext('ram:BasisAmount', namespaces=NS),
            t.findtext('ram:CalculatedAmount', namespaces=NS),
            t.findtext('ram:ExemptionReason', namespaces=NS))
        for t in root.findall('.//ram:ApplicableHeaderTradeSettlement'
            '/ram:ApplicableTradeTax', namespaces=NS)]


def untaxed_invoice(seller_vat='FR44732829320'):
    "An invoice whose lines bear no tax, as the ledger has it (no tax line)"
    document = sample_invoice(lines=0, deposit=False)
    document.seller.vat_number = seller_vat
    document.items = [model.Line(
            "Débours : frais de greffe", Decimal(2), Decimal('45.50'),
            Decimal(0), vat_category=model.no_vat_category(seller_vat))]
    document.taxes = []
    return document


def test_invoice_without_tax_line_has_an_exempt_breakdown():
    document = untaxed_invoice()
    xml = facturx.build_xml(document)
    assert_valid(xml)
    assert breakdowns(xml) == [
        ('E', '91.00', '0.00', "Opération exonérée de TVA")]
    # the line carries the same category at 0 %
    line_tax = validation.parse(xml).find(
        './/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax',
        namespaces=NS)
    assert line_tax.findtext('ram:CategoryCode', namespaces=NS) == 'E'
    assert line_tax.findtext(
        'ram:RateApplicablePercent', namespaces=NS) == '0'
    # the tax's legal notice wins over the default reason
    document.items[0].vat_exemption_reason = "Débours, art. 267 II-2° du CGI"
    assert breakdowns(facturx.build_xml(document))[0][3] == (
        "Débours, art. 267 II-2° du CGI")


def test_seller_without_vat_number_is_not_subject_to_vat():
    document = untaxed_invoice(seller_vat='')
    assert document.buyer.vat_number
    xml = facturx.build_xml(document)
    assert_valid(xml)
    assert breakdowns(xml) == [
        ('O', '91.00', '0.00', "Opération non soumise à la TVA")]
    # no VAT identifier at all on such an invoice (BR-O-02)
    assert b'schemeID="VA"' not in xml


def test_untaxed_line_beside_ledger_taxes():
    "The ledger's 20 % breakdown kept, the untaxed line's one added"
    document = sample_invoice(lines=2, deposit=False)
    document.items = [i for i in document.items
        if not isinstance(i, model.Line) or i.vat_rate == 20]
    document.taxes = [model.TaxSummaryLine(
            rate=Decimal(20), category='S', base=Decimal('2280.00'),
            amount=Decimal('456.00'))]
    document.items.append(model.Line("Frais de dossier", Decimal(1),
            Decimal(30), Decimal(0), vat_category='E'))
    xml = facturx.build_xml(document)
    assert_valid(xml)
    assert breakdowns(xml) == [
        ('S', '2280.00', '456.00', None),
        ('E', '30.00', '0.00', "Opération exonérée de TVA")]


def test_extra_fields_and_credit_reason_travel_as_notes():
    document = sample_invoice(kind=model.CREDIT_NOTE, deposit=False)
    document.credited_invoice = 'F-2026-00041'
    document.credited_invoice_date = document.invoice_date
    document.credit_reason = "Erreur de quantité"
    document.lines[0].note = "Semaine 48"
    document.lines[0].extra_fields = [model.ExtraField("Lot", "Bâtiment B")]
    xml = facturx.build_xml(document)
    assert_valid(xml)
    root = validation.parse(xml)
    notes = [n.findtext('ram:Content', namespaces=NS) for n in root.findall(
            'rsm:ExchangedDocument/ram:IncludedNote', namespaces=NS)]
    assert "Motif de l'avoir : Erreur de quantité" in notes
    assert "Chantier: Lyon Presqu'île" in notes
    line_notes = root.find('.//ram:AssociatedDocumentLineDocument',
        namespaces=NS).findall('ram:IncludedNote', namespaces=NS)
    assert [n.findtext('ram:Content', namespaces=NS)
        for n in line_notes] == ["Semaine 48\nLot: Bâtiment B"]


def test_rendering_again_gives_the_same_bytes():
    import datetime
    import time
    document = sample_invoice(lines=6)
    document.issued_at = datetime.datetime(
        2026, 11, 27, 15, 4, 5, tzinfo=datetime.timezone.utc)
    first = facturx.render(document)
    time.sleep(1.1)  # the library stamps the time to the second
    again = facturx.render(sample_invoice(lines=6))
    assert again != first  # another issue time: other bytes
    document = sample_invoice(lines=6)
    document.issued_at = datetime.datetime(
        2026, 11, 27, 16, 4, 5,
        tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert facturx.render(document) == first
    # the dates are the issue's, in the Info, the XMP and the embedded file
    reader = PdfReader(io.BytesIO(first))
    assert reader.metadata['/CreationDate'] == "D:20261127150405+00'00'"
    assert reader.metadata['/ModDate'] == "D:20261127150405+00'00'"
    xmp = reader.xmp_metadata
    assert xmp.xmp_create_date == datetime.datetime(2026, 11, 27, 15, 4, 5)
    assert xmp.xmp_modify_date == datetime.datetime(2026, 11, 27, 15, 4, 5)
    filespec = reader.trailer['/Root']['/Names']['/EmbeddedFiles'][
        '/Names'][1].get_object()
    params = filespec['/EF']['/F'].get_object()['/Params']
    assert params['/ModDate'] == "D:20261127150405+00'00'"


def test_info_and_xmp_agree():
    reader = PdfReader(io.BytesIO(facturx.render(sample_invoice(lines=2))))
    info, xmp = reader.metadata, reader.xmp_metadata
    assert info['/Producer'] == xmp.pdf_producer == facturx.PRODUCER
    assert info['/Keywords'] == xmp.pdf_keywords == 'Factur-X, EN 16931'
    assert info['/Creator'] == xmp.xmp_creator_tool == 'MentorSiG'
    assert info['/Title'] == xmp.dc_title['x-default']
    assert info['/Subject'] == xmp.dc_description['x-default']
    assert [info['/Author']] == xmp.dc_creator
    raw = reader.trailer['/Root']['/Metadata'].get_object().get_data()
    assert b'<pdf:Trapped>False</pdf:Trapped>' in raw
    assert info['/Trapped'] == '/False'


def br_fr_failures(document):
    return sorted({id_ for flag, id_, _, _ in validation.br_fr_report(
                facturx.build_xml(document))})


@pytest.mark.parametrize('language', ['fr', 'en'])
@pytest.mark.parametrize('kind', model.KINDS)
def test_every_kind_passes_the_french_rules(kind, language):
    document = sample_invoice(kind=kind, language=language,
        deposit=kind == model.INVOICE)
    if kind == model.CREDIT_NOTE:
        document.credited_invoice = 'F-2026-00041'
        document.credited_invoice_date = document.invoice_date
    xml = facturx.build_xml(document)
    assert_valid(xml)
    root = validation.parse(xml)
    # the credit note carries the penalties, indemnity and discount notes
    # too (BR-FR-05)
    subjects = [n.findtext('ram:SubjectCode', namespaces=NS)
        for n in root.iterfind('.//rsm:ExchangedDocument/ram:IncludedNote',
            namespaces=NS)]
    for code in ['PMD', 'PMT', 'AAB']:
        assert code in subjects, (code, subjects)
    # no empty delivery element (PEPPOL-EN16931-R008): dated the invoice
    assert root.findtext('.//ram:ApplicableHeaderTradeDelivery'
        '/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime'
        '/udt:DateTimeString', namespaces=NS) == '20261120'
    document.delivery_date = None
    root = validation.parse(facturx.build_xml(document))
    assert root.findtext('.//ram:ApplicableHeaderTradeDelivery'
        '/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime'
        '/udt:DateTimeString', namespaces=NS) == (
        document.invoice_date.strftime('%Y%m%d'))


def test_billing_framework_from_the_lines():
    assert model.operation_category(['goods', 'goods']) == model.GOODS
    assert model.operation_category(['services']) == model.SERVICES
    assert model.operation_category(['goods', 'services']) == model.MIXED
    assert model.operation_category(['goods', None]) is None
    assert model.operation_category([]) is None
    document = sample_invoice(lines=2)
    for category, deducted, expected in [
            (model.GOODS, False, 'B1'), (model.SERVICES, False, 'S1'),
            (model.MIXED, False, 'M1'), (model.GOODS, True, 'B4'),
            (model.MIXED, True, 'M4')]:
        document.operation_category = category
        document.deposits_deducted = deducted
        assert document.billing_framework == expected
        xml = facturx.build_xml(document)
        assert validation.parse(xml).findtext(
            './/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID',
            namespaces=NS) == expected
        assert br_fr_failures(document) == []
    # a deposit invoice is never a final one (BR-FR-CO-08)
    deposit = sample_invoice(kind=model.DEPOSIT, deposit=False)
    deposit.deposits_deducted = True
    assert deposit.billing_framework == 'S1'
    with pytest.raises(ValueError):
        sample_invoice(lines=1).__class__(**dict(
                vars(sample_invoice(lines=1)), operation_category='food'))


def test_buyer_electronic_address():
    document = sample_invoice(lines=2)
    # the SIREN first: the address of the French directory
    assert document.buyer.endpoint == ('552100554', '0225')
    document.buyer.siren = ''
    assert document.buyer.endpoint == ('compta@dupont.example', 'EM')
    assert br_fr_failures(document) == []
    document.buyer.electronic_address = '552100554_FACTURES'
    document.buyer.electronic_address_scheme = '0225'
    assert document.buyer.endpoint == ('552100554_FACTURES', '0225')
    assert_valid(facturx.build_xml(document))
    document.buyer.electronic_address = ''
    document.buyer.email = ''
    assert document.buyer.endpoint is None
    assert br_fr_failures(document) == ['BR-FR-12_BT-49']


def test_schematron_catches_what_the_french_rules_want():
    document = sample_invoice(kind=model.CREDIT_NOTE, deposit=False)
    # a credit note without the invoice it credits (BR-FR-CO-05)
    assert br_fr_failures(document) == ['BR-FR-CO-05_BT-3']
    document = sample_invoice(lines=2)
    document.seller.siren = ''
    assert 'BR-FR-10_BT-30' in br_fr_failures(document)


def test_french_mentions_on_the_pdf():
    import re
    from mentorsig_invoicing.document import pdf

    def pages_text(data):
        return [re.sub(r'[\u00a0\u202f ]+', ' ', page.extract_text())
            for page in PdfReader(io.BytesIO(data)).pages]
    document = sample_invoice(lines=2)
    document.operation_category = model.MIXED
    document.vat_on_debits = True
    text, = pages_text(pdf.render(document))
    text = ' '.join(text.split())
    assert "Catégorie de l'opération" in text
    assert "Livraison de biens et prestation de services" in text
    assert "Option pour le paiement de la taxe d'après les débits" in text
    assert "SIREN 552100554" in text  # the buyer's
    assert "Livré à" in text  # the delivery address, when it differs
    document = sample_invoice(lines=2, language='en')
    document.operation_category = model.GOODS
    text, = pages_text(pdf.render(document))
    text = ' '.join(text.split())
    assert "Category of the operation Supply of goods" in text
    assert "VAT paid on debits" not in text


def test_invoice_in_another_currency_states_its_vat_in_euros():
    document = sample_invoice(lines=2)
    document.currency = 'USD'
    document.seller.iban = ''
    assert br_fr_failures(document) == ['BR-FR-CO-12_BT-5']
    document.tax_amount_eur = Decimal('250.10')
    xml = facturx.build_xml(document)
    assert_valid(xml)
    root = validation.parse(xml)
    assert root.findtext('.//ram:TaxCurrencyCode', namespaces=NS) == 'EUR'
    totals = {e.get('currencyID'): e.text for e in root.iterfind(
            './/ram:TaxTotalAmount', namespaces=NS)}
    assert totals == {'USD': f'{document.tax_amount:.2f}', 'EUR': '250.10'}


def test_same_bytes_in_another_process():
    "A posted invoice printed again by another server process"
    import subprocess
    import sys
    script = (
        "import sys, datetime\n"
        "from mentorsig_invoicing.document import facturx\n"
        "from mentorsig_invoicing.document.samples import sample_invoice\n"
        "document = sample_invoice(lines=3)\n"
        "document.issued_at = datetime.datetime(2026, 11, 27, 9, 30)\n"
        "sys.stdout.buffer.write(facturx.render(document))\n")
    import datetime
    import time
    time.sleep(1.1)
    other = subprocess.run([sys.executable, '-c', script],
        capture_output=True, check=True).stdout
    document = sample_invoice(lines=3)
    document.issued_at = datetime.datetime(2026, 11, 27, 9, 30)
    assert facturx.render(document) == other
    profile = facturx.srgb_icc_profile()
    assert profile[24:36] == facturx.ICC_DATE


def test_unit_prices_keep_their_digits_in_the_xml():
    "BT-146 (net price) and BT-148 (gross price) carry the price's digits"
    document = sample_invoice(lines=0, deposit=False)
    document.items = [
        model.Line("Vis", Decimal(3), Decimal('12.345678'), Decimal(20)),
        model.Line("Écrous", Decimal(3), Decimal('12.345678'), Decimal(20),
            discount=Decimal(10)),
        model.Line("Rondelles", Decimal(2), Decimal('12.5000'), Decimal(20)),
        # more digits than the French rules allow (BR-FR-DEC-03): six
        model.Line("Joints", Decimal(1), Decimal('0.12345678'), Decimal(20))]
    xml = facturx.build_xml(document)
    assert_valid(xml)
    root = validation.parse(xml)
    items = root.findall('.//ram:IncludedSupplyChainTradeLineItem',
        namespaces=NS)
    net = [i.findtext('.//ram:NetPriceProductTradePrice/ram:ChargeAmount',
            namespaces=NS) for i in items]
    gross = [i.findtext('.//ram:GrossPriceProductTradePrice/ram:ChargeAmount',
            namespaces=NS) for i in items]
    # 3 x 12.345678 = 37.04 (BT-131), the price as typed
    assert net == ['12.345678', '11.11111', '12.5', '0.123457']
    assert gross == [None, '12.345678', None, None]
    amounts = [i.findtext('.//ram:LineTotalAmount', namespaces=NS)
        for i in items]
    assert amounts == ['37.04', '33.33', '25.00', '0.12']
