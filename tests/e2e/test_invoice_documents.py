# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issues 4 and 5 in the real web client: an administrator adds a dropdown
extra field and fills it on a draft invoice; an accountant prints a posted
invoice and gets its PDF."""
import io
import os
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sao_client import (
    RPC, current_form, login, open_menu, open_url, print_pdf, toolbar,
    visible_rows)


def open_invoice(page, server, invoice_id):
    "Open an invoice by its address in the web client (as a bookmark)"
    open_url(page, server, 'model/account.invoice/%d' % invoice_id)
    expect(current_form(page).locator('input[name="number"]')).to_be_attached()


def wait_for(read, page, seconds=30):
    "What read() returns once it is not empty: the client saves in the back"
    for _ in range(seconds * 2):
        result = read()
        if result:
            return result
        page.wait_for_timeout(500)
    return result


def test_dropdown_extra_field_filled_on_a_draft_invoice(
        demo_server, page, output_dir):
    login(page, demo_server)
    open_menu(page, 'MentorSiG', 'Configuration')
    page.locator('#menu').get_by_text('Extra Fields', exact=True).click()
    expect(visible_rows(page).filter(has_text='Chantier')).to_have_count(1)

    # A dropdown on invoices, with two options
    toolbar(page, 'new_').click()
    form = current_form(page)
    # sao shows the form before the defaults come, then displays the new
    # record: what is typed before is lost. The target's default, invoices
    expect(form.locator('select[name="target"]')).to_have_value(
        re.compile('account.invoice"?$'))
    form.locator('input[name="string"]').fill("Type de travaux")
    form.locator('input[name="string"]').press('Tab')
    # the technical name follows the label (the host's on_change)
    expect(form.locator('input[name="name"]')).to_have_value(
        'type_de_travaux')
    form.locator('select[name="type_"]').select_option(label='Dropdown')
    form.locator('textarea[name="selection"]').fill(
        "neuf: Construction neuve\nrenovation: Rénovation")
    toolbar(page, 'save').click()
    expect(page.locator('.tab-content:visible .form:visible').first
        .locator('input[name="name"]')).to_have_attribute(
        'readonly', re.compile('.*'))
    page.screenshot(path=os.path.join(output_dir, 'extra-field-defined.png'))
    rpc = RPC(demo_server)
    field, = wait_for(lambda: rpc('model.mentorsig.extra_field.search_read',
            [('name', '=', 'type_de_travaux')], 0, None, None,
            ['target', 'type_', 'selection']), page)
    assert field['target'] == 'account.invoice'
    assert field['type_'] == 'selection'

    # The draft invoice of the demo: add the field and pick an option
    draft, = rpc('model.account.invoice.search',
        [('party.name', '=', 'Boulangerie Martin SARL'),
            ('state', '=', 'draft')], 0, None, None)
    open_invoice(page, demo_server, draft)
    form = current_form(page)
    form.get_by_role('tab', name='Extra Fields').click()
    extra = form.locator('.form-dict:visible')
    expect(extra.locator('select[name="chantier"]')).to_be_visible()
    extra.locator('input[name="extra_fields"]').fill("Type de travaux")
    extra.get_by_role('button', name='Add').click()
    dialog = page.locator('.modal-dialog:visible')
    dialog.locator('table.tree tbody tr:visible').filter(
        has_text='Type de travaux').click()
    dialog.get_by_role('button', name='OK', exact=True).click()
    dropdown = extra.locator('select[name="type_de_travaux"]')
    expect(dropdown).to_be_visible()
    dropdown.select_option(label='Rénovation')
    toolbar(page, 'save').click()
    page.screenshot(path=os.path.join(output_dir, 'extra-field-filled.png'))

    # Stored: read back through JSON-RPC, and shown again after a reload
    def stored():
        invoice, = rpc('model.account.invoice.search_read',
            [('party.name', '=', 'Boulangerie Martin SARL'),
                ('state', '=', 'draft')],
            0, None, None, ['extra_fields'])
        return invoice
    invoice = wait_for(lambda: (
            stored() if (stored()['extra_fields'] or {}).get('type_de_travaux')
            else None), page)
    assert invoice['extra_fields']['type_de_travaux'] == 'renovation'
    # the other values of the invoice are kept
    assert invoice['extra_fields']['chantier'] == 'lyon'
    toolbar(page, 'reload').click()
    expect(extra.locator('select[name="type_de_travaux"]')).to_have_value(
        '"renovation"')


def test_print_posted_invoice(demo_server, page, output_dir):
    login(page, demo_server)
    rpc = RPC(demo_server)
    posted, = rpc('model.account.invoice.search',
        [('party.name', '=', 'Cabinet Lefèvre Architectes'),
            ('type', '=', 'out'), ('state', '=', 'posted')], 0, 1, None)
    open_invoice(page, demo_server, posted)
    form = current_form(page)
    number = form.locator('input[name="number"]')
    expect(number).not_to_have_value('')
    number = number.input_value()
    data = print_pdf(page, 'Invoice',
        os.path.join(output_dir, 'printed-invoice.pdf'), output_dir)
    assert data.startswith(b'%PDF')
    text = ' '.join(p.extract_text()
        for p in PdfReader(io.BytesIO(data)).pages)
    assert number in text
    assert 'Cabinet Lefèvre Architectes' in text
