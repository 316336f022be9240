# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Factur-X (EN 16931 profile): the CII XML of an invoice document, and the
PDF/A-3 that embeds it.

Why not the host's `edocument_uncefact` CII output: its 16B-CII template
(trytond 8.0) leaves `ExchangedDocumentContext` empty (no EN 16931
guideline ID: BR-01 and the Factur-X XSD both fail), has no line discount
(gross price and allowance), no deposit deduction (`TotalPrepaidAmount`),
no notes for the French mandatory mentions (penalties, 40 EUR indemnity,
discount terms), no VAT exemption reasons per category, and needs a posted
invoice record in a database to render.  We build the XML from the same
`InvoiceDocument` that the PDF prints instead, so that both always carry
the same figures, and test it without a database against the Factur-X XSD
and the EN 16931 schematron (see `validation`).

The PDF/A-3 comes from `facturx.generate_from_binary` (XMP metadata, the
embedded `factur-x.xml` with AFRelationship) on top of our reportlab PDF
(in its invariant mode); a last pass adds the sRGB output intent PDF/A
requires (the library does not: the ICC profile is made by Pillow's
littleCMS, so no system package is needed) and makes the bytes
reproducible: the library stamps the Info dictionary, the XMP and the
embedded file with the current time, we put the document's `issued_at`
there instead, and make the Info dictionary and the XMP say the same
(producer, creator tool, keywords, dates), as PDF/A-3 asks.
"""
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from .content import late_payment_key
from .model import (
    CREDIT_NOTE, DEPOSIT, EXEMPTION_REASON_CATEGORIES, INVOICE, PRICE_DIGITS,
    clean_fields)
from .strings import Formatter

NS = {
    'rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
    'ram': 'urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100',
    'qdt': 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
    'udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
    }
EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017'
# UNTDID 1001
TYPE_CODES = {INVOICE: '380', DEPOSIT: '386', CREDIT_NOTE: '381'}
SEPA_CREDIT_TRANSFER = '58'
PAYMENT_MEANS_NOT_DEFINED = '1'
# ISO 6523 ICD of the French SIREN
SIREN_SCHEME = '0002'
# UNTDID 4451 subject codes of the notes French Factur-X expects
NOTE_PENALTIES = 'PMD'
NOTE_INDEMNITY = 'PMT'
NOTE_DISCOUNT = 'AAB'
NOTE_GENERAL = 'AAI'
NOTE_TAX = 'TXD'
# UNTDID 5189: discount
ALLOWANCE_DISCOUNT = '95'


def _element(parent, tag, text=None, **attributes):
    prefix, name = tag.split(':')
    element = etree.SubElement(parent, '{%s}%s' % (NS[prefix], name))
    for key, value in attributes.items():
        element.set(key, value)
    if text is not None:
        element.text = str(text)
    return element


def _amount(value):
    return f'{value:.2f}'


def _decimal(value):
    "Quantities, rates and prices without a trailing exponent or zeros"
    text = f'{value.normalize():f}'
    return text


def _price(value):
    """A unit price with the digits it has, six at most (BR-FR-DEC-03):
    EN 16931 checks the line amount, not price x quantity"""
    return _decimal(value.quantize(
            Decimal(1).scaleb(-PRICE_DIGITS), rounding=ROUND_HALF_UP))


def _date(parent, tag, value, prefix='udt'):
    container = _element(parent, tag)
    _element(container, f'{prefix}:DateTimeString', value.strftime('%Y%m%d'),
        format='102')


def _note(parent, text, subject=None):
    if not text:
        return
    note = _element(parent, 'ram:IncludedNote')
    _element(note, 'ram:Content', text)
    if subject:
        _element(note, 'ram:SubjectCode', subject)


def _party(parent, tag, party, with_legal=True, with_vat=True):
    element = _element(parent, tag)
    _element(element, 'ram:Name', party.name)
    legal_information = _legal_information(party)
    if legal_information:
        # BT-33, seller additional legal information
        _element(element, 'ram:Description', legal_information)
    if with_legal and party.siren:
        legal = _element(element, 'ram:SpecifiedLegalOrganization')
        _element(legal, 'ram:ID', party.siren.replace(' ', ''),
            schemeID=SIREN_SCHEME)
    _address(element, party.address)
    endpoint = party.endpoint
    if endpoint:
        # BT-34/BT-49, mandatory in France (BR-FR-12, BR-FR-13)
        uri = _element(element, 'ram:URIUniversalCommunication')
        _element(uri, 'ram:URIID', endpoint[0], schemeID=endpoint[1])
    if with_vat and party.vat_number:
        tax = _element(element, 'ram:SpecifiedTaxRegistration')
        _element(tax, 'ram:ID', party.vat_number.replace(' ', ''),
            schemeID='VA')
    return element


def _legal_information(party):
    """The legal form, share capital and register of a seller, in French
    as the French law asks, e.g. "SAS au capital de 10 000 €, RCS Paris"
    """
    form = getattr(party, 'legal_form', '')
    capital = getattr(party, 'share_capital', '')
    registry = getattr(party, 'registry', '')
    if capital:
        form = ' '.join(filter(None, [form, 'au capital de', capital]))
    return ', '.join(filter(None, [form, registry]))


def _address(parent, address):
    element = _element(parent, 'ram:PostalTradeAddress')
    if address.postal_code:
        _element(element, 'ram:PostcodeCode', address.postal_code)
    lines = [l for l in address.street_lines if l]
    for tag, line in zip(
            ('ram:LineOne', 'ram:LineTwo', 'ram:LineThree'), lines):
        _element(element, tag, line)
    if address.city:
        _element(element, 'ram:CityName', address.city)
    _element(element, 'ram:CountryID', address.country_code)


def _trade_tax(parent, tax=None, line=None, fmt=None):
    "ApplicableTradeTax of the header (tax summary) or of a line"
    element = _element(parent, 'ram:ApplicableTradeTax')
    if tax is not None:
        _element(element, 'ram:CalculatedAmount', _amount(tax.amount))
    _element(element, 'ram:TypeCode', 'VAT')
    category = tax.category if tax is not None else line.vat_category
    rate = tax.rate if tax is not None else line.vat_rate
    if tax is not None and category in EXEMPTION_REASON_CATEGORIES:
        _element(element, 'ram:ExemptionReason', fmt.exemption_reason(tax))
    if tax is not None:
        _element(element, 'ram:BasisAmount', _amount(tax.base))
    _element(element, 'ram:CategoryCode', category)
    if category != 'O':
        # "Not subject to VAT" has no rate at all (BR-O-05, BR-O-06)
        _element(element, 'ram:RateApplicablePercent', _decimal(rate))
    return element


def _line_item(parent, position, line, currency):
    item = _element(parent, 'ram:IncludedSupplyChainTradeLineItem')
    document = _element(item, 'ram:AssociatedDocumentLineDocument')
    _element(document, 'ram:LineID', str(position))
    # EN 16931 has one line note (BT-127): the note, then the extra fields
    note = '\n'.join(([line.note] if line.note else []) + [
            f'{f.label}: {f.value}' for f in line.extra_fields])
    if note:
        _note(document, note)
    product = _element(item, 'ram:SpecifiedTradeProduct')
    if line.product_code:
        _element(product, 'ram:SellerAssignedID', line.product_code)
    _element(product, 'ram:Name', line.description)

    agreement = _element(item, 'ram:SpecifiedLineTradeAgreement')
    if line.discount:
        gross = _element(agreement, 'ram:GrossPriceProductTradePrice')
        _element(gross, 'ram:ChargeAmount', _price(line.unit_price))
        allowance = _element(gross, 'ram:AppliedTradeAllowanceCharge')
        indicator = _element(allowance, 'ram:ChargeIndicator')
        _element(indicator, 'udt:Indicator', 'false')
        _element(allowance, 'ram:ActualAmount',
            _price(line.unit_price - line.net_unit_price))
    net = _element(agreement, 'ram:NetPriceProductTradePrice')
    _element(net, 'ram:ChargeAmount', _price(line.net_unit_price))

    delivery = _element(item, 'ram:SpecifiedLineTradeDelivery')
    _element(delivery, 'ram:BilledQuantity', _decimal(line.quantity),
        unitCode=line.unit_code)

    settlement = _element(item, 'ram:SpecifiedLineTradeSettlement')
    _trade_tax(settlement, line=line)
    summation = _element(
        settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation')
    _element(summation, 'ram:LineTotalAmount', _amount(line.amount))
    return item


def _notes(document):
    "The French mandatory mentions, as EN 16931 notes (BT-21/BT-22)"
    fmt = Formatter(document.language, document.currency)
    notes = []
    if document.credit_reason:
        notes.append((f"{fmt('credit_reason')} {document.credit_reason}",
                NOTE_GENERAL))
    notes += [(note, NOTE_GENERAL) for note in document.notes]
    notes += [(f'{f.label}: {f.value}', NOTE_GENERAL)
        for f in document.extra_fields]
    if document.vat_on_debits:
        notes.append((fmt('vat_on_debits'), NOTE_TAX))
    # Every document carries them, credit notes too (BR-FR-05)
    if document.late_payment_rate is not None:
        notes.append((fmt(late_payment_key(document),
                    rate=fmt.number(document.late_payment_rate,
                        strip=True),
                    indemnity=fmt.money(document.recovery_indemnity)),
                NOTE_PENALTIES))
        notes.append(('%s (%s)' % (fmt.money(document.recovery_indemnity),
                    fmt(late_payment_key(document, 'indemnity_reference'))),
                NOTE_INDEMNITY))
    notes.append((document.early_payment_discount
            or fmt('early_payment_default'), NOTE_DISCOUNT))
    return notes


def build_xml(document):
    "The CII XML (Factur-X EN 16931 profile) of the document, as bytes"
    # Texts changed since the document was built are made safe too
    clean_fields(document)
    root = etree.Element('{%s}CrossIndustryInvoice' % NS['rsm'], nsmap=NS)
    context = _element(root, 'rsm:ExchangedDocumentContext')
    # BT-23, the French billing framework (BR-FR-08)
    process = _element(
        context, 'ram:BusinessProcessSpecifiedDocumentContextParameter')
    _element(process, 'ram:ID', document.billing_framework)
    guideline = _element(
        context, 'ram:GuidelineSpecifiedDocumentContextParameter')
    _element(guideline, 'ram:ID', EN16931_GUIDELINE)

    header = _element(root, 'rsm:ExchangedDocument')
    _element(header, 'ram:ID', document.number)
    _element(header, 'ram:TypeCode', TYPE_CODES[document.kind])
    _date(header, 'ram:IssueDateTime', document.invoice_date)
    for text, subject in _notes(document):
        _note(header, text, subject)

    transaction = _element(root, 'rsm:SupplyChainTradeTransaction')
    for position, line in enumerate(document.lines, 1):
        _line_item(transaction, position, line, document.currency)

    agreement = _element(transaction, 'ram:ApplicableHeaderTradeAgreement')
    if document.buyer.reference:
        _element(agreement, 'ram:BuyerReference', document.buyer.reference)
    # An invoice not subject to VAT carries no VAT identifier (BR-O-02)
    with_vat = 'O' not in {t.category for t in document.tax_summary}
    _party(agreement, 'ram:SellerTradeParty', document.seller,
        with_vat=with_vat)
    _party(agreement, 'ram:BuyerTradeParty', document.buyer,
        with_vat=with_vat)
    if document.order_reference:
        order = _element(agreement, 'ram:BuyerOrderReferencedDocument')
        _element(order, 'ram:IssuerAssignedID', document.order_reference)

    delivery = _element(transaction, 'ram:ApplicableHeaderTradeDelivery')
    if document.delivery_address:
        ship_to = _element(delivery, 'ram:ShipToTradeParty')
        _element(ship_to, 'ram:Name', document.buyer.name)
        _address(ship_to, document.delivery_address)
    # The element is mandatory and must not be empty (PEPPOL-EN16931-R008):
    # without a delivery date of its own, the supply is dated the day of
    # the invoice, as the VAT law dates it by default (CGI art. 269)
    event = _element(delivery, 'ram:ActualDeliverySupplyChainEvent')
    _date(event, 'ram:OccurrenceDateTime',
        document.delivery_date or document.invoice_date)

    settlement = _element(
        transaction, 'ram:ApplicableHeaderTradeSettlement')
    _element(settlement, 'ram:PaymentReference', document.payment_reference)
    foreign = (document.currency != 'EUR'
        and document.tax_amount_eur is not None)
    if foreign:
        # BT-6: the VAT is accounted for in euros (BR-FR-CO-12)
        _element(settlement, 'ram:TaxCurrencyCode', 'EUR')
    _element(settlement, 'ram:InvoiceCurrencyCode', document.currency)
    means = _element(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans')
    seller = document.seller
    if seller.iban:
        _element(means, 'ram:TypeCode', SEPA_CREDIT_TRANSFER)
        account = _element(means, 'ram:PayeePartyCreditorFinancialAccount')
        _element(account, 'ram:IBANID',
            seller.iban.replace(' ', '').upper())
        if seller.bic:
            bank = _element(
                means, 'ram:PayeeSpecifiedCreditorFinancialInstitution')
            _element(bank, 'ram:BICID', seller.bic.replace(' ', '').upper())
    else:
        _element(means, 'ram:TypeCode', PAYMENT_MEANS_NOT_DEFINED)
    fmt = Formatter(document.language, document.currency)
    for tax in document.tax_summary:
        _trade_tax(settlement, tax=tax, fmt=fmt)
    if document.payment_terms or document.due_date:
        terms = _element(settlement, 'ram:SpecifiedTradePaymentTerms')
        if document.payment_terms:
            _element(terms, 'ram:Description', document.payment_terms)
        if document.due_date:
            _date(terms, 'ram:DueDateDateTime', document.due_date)

    summation = _element(settlement,
        'ram:SpecifiedTradeSettlementHeaderMonetarySummation')
    _element(summation, 'ram:LineTotalAmount',
        _amount(document.untaxed_amount))
    _element(summation, 'ram:TaxBasisTotalAmount',
        _amount(document.untaxed_amount))
    _element(summation, 'ram:TaxTotalAmount', _amount(document.tax_amount),
        currencyID=document.currency)
    if foreign:
        # BT-111, the VAT total in the accounting currency
        _element(summation, 'ram:TaxTotalAmount',
            _amount(document.tax_amount_eur), currencyID='EUR')
    _element(summation, 'ram:GrandTotalAmount',
        _amount(document.total_amount))
    if document.prepaid_amount:
        _element(summation, 'ram:TotalPrepaidAmount',
            _amount(document.prepaid_amount))
    _element(summation, 'ram:DuePayableAmount', _amount(document.amount_due))
    if document.credited_invoice:
        referenced = _element(settlement, 'ram:InvoiceReferencedDocument')
        _element(referenced, 'ram:IssuerAssignedID',
            document.credited_invoice)
        if document.credited_invoice_date:
            # the only date of the schema typed as qdt, not udt
            _date(referenced, 'ram:FormattedIssueDateTime',
                document.credited_invoice_date, prefix='qdt')
    return etree.tostring(
        root, xml_declaration=True, encoding='UTF-8', pretty_print=True)


# The creation date of the ICC profile (its header, bytes 24-35: year,
# month, day, hours, minutes, seconds as 16-bit numbers): littleCMS stamps
# the current time, which would change the PDF's bytes from one process to
# the next
ICC_DATE = bytes.fromhex('07d0' '0001' '0001' '0000' '0000' '0000')


def srgb_icc_profile():
    """An sRGB ICC profile made by littleCMS (Pillow), for the output
    intent; the same bytes in every process"""
    global _SRGB
    if _SRGB is None:
        from PIL import ImageCms
        profile = bytearray(ImageCms.ImageCmsProfile(
                ImageCms.createProfile('sRGB')).tobytes())
        profile[24:36] = ICC_DATE
        if any(profile[84:100]):
            # the profile ID is the MD5 of the profile with its flags,
            # rendering intent and ID zeroed (ICC.1:2010 7.2.18)
            import hashlib
            profile[84:100] = bytes(16)
            copy = bytearray(profile)
            copy[44:48] = copy[64:68] = bytes(4)
            profile[84:100] = hashlib.md5(copy).digest()
        _SRGB = bytes(profile)
    return _SRGB


_SRGB = None


PRODUCER = 'MentorSiG (reportlab, pypdf, factur-x)'
CREATOR = 'MentorSiG'
KEYWORDS = 'Factur-X, EN 16931'
XMP_NS = {
    'x': 'adobe:ns:meta/',
    'rdf': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
    'pdf': 'http://ns.adobe.com/pdf/1.3/',
    'xmp': 'http://ns.adobe.com/xap/1.0/',
    }


def issued_at(document):
    "When the document was issued, in UTC"
    value = document.issued_at or datetime.datetime.combine(
        document.invoice_date, datetime.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def pdf_metadata(document):
    "The Info dictionary's texts, as the XMP says them too"
    return {
        'author': document.seller.name,
        'keywords': KEYWORDS,
        'title': f'{document.seller.name}: {document.number}',
        'subject': f'{document.number} {document.buyer.name}',
        }


def add_output_intent(pdf_bytes, writer=None):
    "Add the sRGB output intent PDF/A requires for device RGB colours"
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
        NumberObject, TextStringObject)
    if writer is None:
        writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes))
    # Embedded files with an AFRelationship are PDF 1.7 (ISO 32000-1),
    # which PDF/A-3 is based on; reportlab writes 1.4
    writer.pdf_header = b'%PDF-1.7'
    profile = DecodedStreamObject()
    profile.set_data(srgb_icc_profile())
    profile = profile.flate_encode()
    profile[NameObject('/N')] = NumberObject(3)
    intent = DictionaryObject({
            NameObject('/Type'): NameObject('/OutputIntent'),
            NameObject('/S'): NameObject('/GTS_PDFA1'),
            NameObject('/OutputConditionIdentifier'): TextStringObject(
                'sRGB IEC61966-2.1'),
            NameObject('/Info'): TextStringObject('sRGB IEC61966-2.1'),
            NameObject('/DestOutputProfile'): writer._add_object(profile),
            })
    writer._root_object[NameObject('/OutputIntents')] = ArrayObject(
        [writer._add_object(intent)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _stamped_xmp(xmp, stamp, metadata):
    "The library's XMP with our dates, producer and keywords"
    root = etree.fromstring(xmp, parser=etree.XMLParser(
            resolve_entities=False, no_network=True))
    date = stamp.strftime('%Y-%m-%dT%H:%M:%S+00:00')
    for tag in ('xmp:CreateDate', 'xmp:ModifyDate', 'xmp:MetadataDate'):
        for element in root.iterfind(f'.//{tag}', XMP_NS):
            element.text = date
    for element in root.iterfind('.//xmp:CreatorTool', XMP_NS):
        element.text = CREATOR
    producer = root.find('.//pdf:Producer', XMP_NS)
    producer.text = PRODUCER
    keywords = producer.getparent().find('pdf:Keywords', XMP_NS)
    if keywords is None:
        keywords = etree.SubElement(
            producer.getparent(), '{%s}Keywords' % XMP_NS['pdf'])
    keywords.text = metadata['keywords']
    # reportlab's Info says /Trapped /False: the XMP says it too
    trapped = producer.getparent().find('pdf:Trapped', XMP_NS)
    if trapped is None:
        trapped = etree.SubElement(
            producer.getparent(), '{%s}Trapped' % XMP_NS['pdf'])
    trapped.text = 'False'
    body = etree.tostring(root, encoding='unicode')
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + body + '\n<?xpacket end="w"?>').encode('utf-8')


def finalise(pdf_bytes, document):
    """The output intent, and the dates of the document instead of the
    time of rendering, the Info dictionary and the XMP agreeing"""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes))
    stamp = issued_at(document)
    pdf_date = stamp.strftime("D:%Y%m%d%H%M%S+00'00'")
    metadata = pdf_metadata(document)
    writer.add_metadata({
            '/Author': metadata['author'],
            '/Title': metadata['title'],
            '/Subject': metadata['subject'],
            '/Keywords': metadata['keywords'],
            '/Creator': CREATOR,
            '/Producer': PRODUCER,
            '/CreationDate': pdf_date,
            '/ModDate': pdf_date,
            })
    xmp = writer._root_object['/Metadata'].get_object()
    xmp.set_data(_stamped_xmp(xmp.get_data(), stamp, metadata))
    names = writer._root_object['/Names']['/EmbeddedFiles']['/Names']
    for filespec in names[1::2]:
        embedded = filespec.get_object()['/EF']['/F'].get_object()
        embedded['/Params'][NameObject('/ModDate')] = TextStringObject(
            pdf_date)
    return add_output_intent(None, writer=writer)


def render(document, pdf_bytes=None, blocks=None):
    """The Factur-X PDF/A-3 of the document: our PDF (of `blocks`, by
    default pdf.DEFAULT_BLOCKS) with its CII XML

    The XML is checked against the Factur-X XSD by the library; the
    schematron runs in the tests (`validation.schematron_errors`), not on
    every posting, because it needs a Saxon processor.
    """
    from facturx import generate_from_binary

    from . import pdf
    if pdf_bytes is None:
        pdf_bytes = pdf.render(document, blocks or pdf.DEFAULT_BLOCKS)
    xml = build_xml(document)
    return finalise(generate_from_binary(
            pdf_bytes, xml, flavor='factur-x', level='en16931',
            check_xsd=True, lang=document.language,
            pdf_metadata=pdf_metadata(document)), document)
