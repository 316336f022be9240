# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The documents of the demo database, printed as a user prints them
(the report over JSON-RPC on the running server): the demo's real chart
(account_fr), taxes and parties, not the scenarios' minimal ones."""
import base64
import hashlib
import io
from decimal import Decimal

from facturx import get_xml_from_pdf
from pypdf import PdfReader
from sao_client import RPC

from mentorsig_invoicing.document import validation


def print_pdf(rpc, invoice_id):
    extension, data, _, _ = rpc(
        'report.mentorsig_invoicing.invoice_pdf.execute', [invoice_id], {})
    assert extension == 'pdf'
    return base64.b64decode(data['base64'])


def test_every_posted_demo_invoice_is_valid_factur_x(demo_server):
    rpc = RPC(demo_server)
    invoices = rpc('model.account.invoice.search_read',
        [('type', '=', 'out'), ('state', 'in', ['posted', 'paid'])],
        0, None, [('id', 'ASC')],
        ['number', 'total_amount', 'lines', 'mentorsig_document_sha256'])
    assert len(invoices) >= 8
    for invoice in invoices:
        data = print_pdf(rpc, invoice['id'])
        # the stored document, byte for byte, not one rendered again
        assert hashlib.sha256(data).hexdigest() == (
            invoice['mentorsig_document_sha256']), invoice['number']
        _, xml = get_xml_from_pdf(data, check_xsd=False)
        # XSD, EN 16931 and the French rules (BR-FR), warnings included
        assert validation.all_errors(xml) == [], invoice['number']
        root = validation.parse(xml)
        namespaces = {'ram': 'urn:un:unece:uncefact:data:standard:'
            'ReusableAggregateBusinessInformationEntity:100'}
        grand_total = root.findtext('.//ram:GrandTotalAmount',
            namespaces=namespaces)
        # the document says what the ledger says
        assert Decimal(grand_total) == abs(
            Decimal(invoice['total_amount']['decimal'])), invoice['number']
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert invoice['number'] in text
        # the demo's products bear VAT at 20, 10 or 5.5 %: no line is
        # printed as exempt
        assert 'exonérée' not in text, invoice['number']
