# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two companies of two countries in the demo (issue 13): each user sees
the invoices of their company only, and each company posts and prints
under its own rules."""
import base64
import hashlib
import io

from playwright.sync_api import expect
from pypdf import PdfReader
from sao_client import RPC, login, open_url, visible_rows

FRENCH = "MentorSiG Démo SAS"
BELGIAN = "Atelier Bruxellois SRL"
BELGIAN_CUSTOMERS = [
    "Brasserie du Sablon SRL", "Imprimerie Lambert SA",
    "Cabinet Dubois & Janssens"]


def invoices_seen(rpc):
    return rpc('model.account.invoice.search_read',
        [('type', '=', 'out')], 0, None, None,
        ['number', 'state', 'company.rec_name', 'party.rec_name'])


def test_each_user_sees_their_company_only(demo_server):
    belgian = RPC(demo_server, 'comptable-be', 'comptable-be-demo')
    french = RPC(demo_server, 'comptable', 'comptable-demo')
    seen_in_belgium = invoices_seen(belgian)
    assert {i['company.']['rec_name'] for i in seen_in_belgium} == {BELGIAN}
    assert sorted(i['party.']['rec_name'] for i in seen_in_belgium) == sorted(
        BELGIAN_CUSTOMERS)
    seen_in_france = invoices_seen(french)
    assert {i['company.']['rec_name'] for i in seen_in_france} == {FRENCH}
    # an id of the other company is refused, not read
    other = next(i for i in seen_in_france if i['number'])
    try:
        belgian('model.account.invoice.read', [other['id']], ['number'])
    except RuntimeError as error:
        # the refusal names no invoice number of the other company
        assert other['number'] not in str(error)
    else:
        raise AssertionError("a French invoice was read from Belgium")


def test_belgian_invoice_under_belgian_rules(demo_server):
    belgian = RPC(demo_server, 'comptable-be', 'comptable-be-demo')
    posted = [i for i in invoices_seen(belgian) if i['state'] == 'posted']
    assert len(posted) == 2
    assert all(i['number'].startswith('BE') for i in posted)
    invoice, = belgian('model.account.invoice.read', [posted[0]['id']],
        ['mentorsig_document_sha256'])
    # printed as the Belgian accountant prints it: the stored document
    extension, data, _, _ = belgian(
        'report.mentorsig_invoicing.invoice_pdf.execute',
        [posted[0]['id']], {})
    assert extension == 'pdf'
    data = base64.b64decode(data['base64'])
    assert hashlib.sha256(data).hexdigest() == (
        invoice['mentorsig_document_sha256'])
    text = ' '.join(p.extract_text()
        for p in PdfReader(io.BytesIO(data)).pages)
    assert 'BE0477472701' in text
    assert 'SIREN' not in text and 'L441' not in text
    assert '2011/7/UE' in text


def test_belgian_user_lists_belgian_invoices(demo_server, page, output_dir):
    login(page, demo_server, 'comptable-be', 'comptable-be-demo')
    open_url(page, demo_server, 'model/account.invoice')
    rows = visible_rows(page)
    for customer in BELGIAN_CUSTOMERS:
        expect(rows.filter(has_text=customer)).to_have_count(1)
    expect(rows).to_have_count(3)
    page.screenshot(path='%s/belgian-invoices.png' % output_dir)
