# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 15 in the real web client, on the demo: the accountant prepares
the direct debits of the due invoices, downloads the CORE file (a valid
pain.008.001.08), imports the bank's camt.054 that settles one debit and
returns the other, and sees one invoice paid and one open again with the
bank's reason and a reject fee invoiced."""
import os
import re
import time

from playwright.sync_api import expect
from sao_client import (
    RPC, SERVER_WORK, current_form, login, open_menu, open_url,
    save_new_record, select_file, toolbar, visible_rows)

import sepa_bank_files
from mentorsig_sepa.iso20022 import pain008

SETTLED = "Riverside Consulting Ltd (Paris branch)"
RETURNED = "Transports Girard SAS"
B2B = "Cabinet Lefèvre Architectes"


def wizard_button(dialog, name):
    dialog.locator('.modal-footer').get_by_role(
        'button', name=name, exact=True).click()


def open_record(page, server, model, record_id):
    open_url(page, server, 'model/%s/%d' % (model, record_id))


def invoice_of(rpc, party):
    "The customer's first invoice (a reject fee comes after it)"
    invoice, = rpc('model.account.invoice.search_read', [
            ('type', '=', 'out'), ('party.name', '=', party),
            ('state', 'in', ['posted', 'paid'])], 0, 1, [('id', 'ASC')],
        ['state', 'number', 'sepa_return_reason'])
    return invoice


def test_prepare_download_and_return(demo_server, page, output_dir):
    rpc = RPC(demo_server)
    login(page, demo_server)
    open_menu(page, 'Financial', 'Payments', 'Prepare Direct Debits')
    dialog = page.locator('.modal-dialog:visible').last
    expect(dialog.locator('input[name="journal"]')).to_have_value(
        re.compile('prélèvements'))
    wizard_button(dialog, 'Preview')

    # The preview: the three due invoices of customers with a mandate
    # (the hotel's is due later), none left out
    dialog = page.locator('.modal-dialog:visible').last
    expect(dialog.locator('input[name="count"][type="text"]')).to_have_value(
        '3')
    for party in [SETTLED, RETURNED, B2B]:
        expect(dialog.get_by_text(party)).to_be_visible()
    page.screenshot(path=os.path.join(output_dir, 'sepa-preview.png'))
    wizard_button(dialog, 'Create Batches')

    # The batches open: one file for CORE, one for B2B
    expect(page.locator('#tablist li.active')).to_contain_text(
        'Payment Groups', timeout=120_000)
    groups = rpc('model.account.payment.group.search_read', [], 0, None,
        [('id', 'ASC')], ['sepa_messages', 'payment_count', 'rec_name'])
    core, = [g for g in groups if g['payment_count'] == 2]

    # Download the CORE file from its message, as a user does: the files
    # wait to be sent to the bank
    open_menu(page, 'SEPA Messages')
    expect(page.locator('#tablist li.active')).to_contain_text(
        'SEPA Messages')
    # the tab shows its count once the client has it: "Waiting 2"
    page.locator('.tab-domain:visible a', has_text='Waiting').first.click()
    rows = visible_rows(page)
    expect(rows).to_have_count(2)
    rows.filter(has_text=core['rec_name']).dblclick(
        position={'x': 300, 'y': 12})
    form = current_form(page)
    expect(form.locator('select[name="type"]')).to_be_visible()
    with page.expect_download() as download_info:
        form.locator('button[title="Save As..."]').click()
    path = os.path.join(output_dir, 'sepa-core.xml')
    download_info.value.save_as(path)
    with open(path, 'rb') as fp:
        data = fp.read()
    pain008.validate(data, 'pain.008.001.08')
    assert data.count(b'<DrctDbtTxInf>') == 2
    assert b'<Cd>CORE</Cd>' in data

    # The bank's camt.054: one debit settled, the other returned for
    # insufficient funds (AM04)
    returned_payment, = rpc('model.account.payment.search_read',
        [('party.name', '=', RETURNED)], 0, None, None,
        ['sepa_end_to_end_id'])
    returned_id = returned_payment['sepa_end_to_end_id']
    assert returned_id.encode() in data
    notification = sepa_bank_files.camt054(data, {returned_id: 'AM04'})
    return_path = os.path.join(output_dir, 'sepa-return-camt054.xml')
    with open(return_path, 'wb') as fp:
        fp.write(notification)

    # A new message in the same tab, with the bank's file
    new = toolbar(page, 'new_')
    expect(new).to_have_count(1)
    new.click()
    form = current_form(page)
    # the new record is on the form before the file is chosen
    expect(form.locator('select[name="state"]')).to_have_value(
        re.compile('draft'))
    # the client shows the size of the file it read
    select_file(form, return_path, re.compile(r'^1[.,]\d+\s?kB$'))
    save_new_record(page)
    state = form.locator('select[name="state"], input[name="state"]').first
    form.get_by_role('button', name='Wait', exact=True).click()
    expect(state).to_have_value(re.compile('[Ww]aiting'), timeout=SERVER_WORK)
    form.get_by_role('button', name='Do', exact=True).click()
    # the client asks for confirmation
    page.locator('.modal-dialog:visible').get_by_role(
        'button', name='OK', exact=True).click()
    expect(state).to_have_value(re.compile('[Dd]one'), timeout=120_000)
    received = rpc('model.account.payment.sepa.message.search_read',
        [('type', '=', 'in')], 0, None, None, ['state'])
    assert [m['state'] for m in received] == ['done'], received

    # One invoice paid (the reconciliation queues the invoice's update,
    # which the server's worker runs after the commit), the other open
    # again with the bank's reason
    deadline = time.monotonic() + 120
    while (paid := invoice_of(rpc, SETTLED))['state'] != 'paid':
        assert time.monotonic() < deadline, paid
        time.sleep(1)
    reopened = invoice_of(rpc, RETURNED)
    assert (reopened['state'], reopened['sepa_return_reason']) == (
        'posted', 'AM04'), reopened
    open_record(page, demo_server, 'account.invoice', reopened['id'])
    form = current_form(page)
    expect(form.locator('input[name="number"]')).to_have_value(
        reopened['number'])
    form.get_by_role('tab', name='Payment', exact=True).click()
    reason = form.locator('select[name="sepa_return_reason"]')
    expect(reason).to_be_visible()
    expect(reason).to_have_value(re.compile('AM04'))
    expect(reason.locator('option:checked')).to_have_text(
        'AM04 - Insufficient funds')
    page.screenshot(path=os.path.join(output_dir, 'sepa-returned.png'))
    open_record(page, demo_server, 'account.invoice', paid['id'])
    expect(current_form(page).locator(
            'select[name="state"], input[name="state"]').first).to_have_value(
        re.compile('[Pp]aid'))

    # The demo's bank profile charges a reject fee: invoiced once
    fees = rpc('model.account.payment.search_read',
        [('sepa_reject_fee_invoice', '!=', None)], 0, None, None,
        ['party.name', 'sepa_reject_fee_invoice'])
    assert [f['party.']['name'] for f in fees] == [RETURNED], fees
