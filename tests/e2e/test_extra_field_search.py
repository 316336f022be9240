# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Extra fields in the invoice list of the web client (issue 12 item 2):
typed in the search bar, picked in the filter builder, shown as a
column from the list's menu, exported to CSV; a new invoice opened from
the list that holds these columns."""
import csv
import json
import os
import re

from playwright.sync_api import expect
from sao_client import (
    RPC, current_form, login, open_menu, toolbar, visible_rows)

DRAFT_CUSTOMER = 'Boulangerie Martin SARL'


def count_invoices(server, domain=()):
    """The customer invoices of the admin's current company (the French
    one) that the domain (on the host's Dict keys) selects, as the server
    counts them: the browser tests share the demo and some add invoices
    before this one"""
    rpc = RPC(server)
    return rpc('model.account.invoice.search_count', [
            ('type', '=', 'out'), ('company', '=', rpc.context['company']),
            *domain])


def open_all_invoices(page, server):
    open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
    page.locator('.tab-domain').get_by_text('All', exact=True).click()
    expect(visible_rows(page)).to_have_count(count_invoices(server))


def test_extra_field_typed_in_the_search_bar(demo_server, page):
    login(page, demo_server)
    open_all_invoices(page, demo_server)
    search = page.locator('.tab-content:visible input[placeholder="Search"]')
    rows = visible_rows(page)
    # the demo's draft is the one invoice of the Lyon site
    lyon = count_invoices(demo_server, [('extra_fields.chantier', '=', 'lyon')])
    assert lyon >= 1
    search.fill('Chantier: Lyon')
    search.press('Enter')
    expect(rows).to_have_count(lyon)
    expect(rows.filter(has_text=DRAFT_CUSTOMER)).to_have_count(1)
    search.fill('"Bon de commande client": BC-2026')
    search.press('Enter')
    expect(rows).to_have_count(count_invoices(demo_server, [
                ('extra_fields.bon_commande_client', 'ilike', '%BC-2026%')]))
    expect(rows.filter(has_text=DRAFT_CUSTOMER)).to_have_count(1)
    search.fill('Chantier: Paris')
    search.press('Enter')
    expect(rows).to_have_count(count_invoices(
            demo_server, [('extra_fields.chantier', '=', 'paris')]))


def filter_builder(page):
    "Open the Filters dialog of the list's search bar"
    page.locator('.tab-content:visible .filter-box').get_by_role(
        'button', name='Filters', exact=True).click()
    dialog = page.locator('.modal-dialog:visible').filter(
        has=page.locator('.filter-window'))
    expect(dialog).to_be_visible()
    return dialog


def test_extra_field_picked_in_the_filter_builder(demo_server, page):
    login(page, demo_server)
    open_all_invoices(page, demo_server)
    search = page.locator('.tab-content:visible input[placeholder="Search"]')
    rows = visible_rows(page)

    dialog = filter_builder(page)
    # a dropdown is a list of its choices, a text an entry
    dialog.get_by_label('Chantier', exact=True).select_option('Lyon')
    dialog.get_by_label('Bon de commande client', exact=True).fill('BC-2026')
    dialog.get_by_role('button', name='Find', exact=True).click()
    expect(dialog).to_be_hidden()
    # what the builder writes in the search bar (a space after it)
    expect(search).to_have_value(re.compile(
            r'^Chantier: Lyon "Bon de commande client": BC-2026\s*$'))
    both = count_invoices(demo_server, [
            ('extra_fields.chantier', '=', 'lyon'),
            ('extra_fields.bon_commande_client', 'ilike', '%BC-2026%')])
    assert both >= 1
    expect(rows).to_have_count(both)
    expect(rows.filter(has_text=DRAFT_CUSTOMER)).to_have_count(1)
    # sao empties the builder when the search text differs from the one of
    # its last search, which it records when that search has finished
    # loading, reading the text again then: cleared before that moment, the
    # empty text would be recorded as the builder's, and the builder kept
    page.wait_for_function(
        '() => Sao.Tab.tabs.get_current().screen.screen_container'
        '.last_search_text.includes("Lyon")')

    # a new search: the builder is emptied, Marseille picked alone
    search.fill('')
    search.press('Enter')
    expect(rows).to_have_count(count_invoices(demo_server))
    dialog = filter_builder(page)
    chantier = dialog.get_by_label('Chantier', exact=True)
    expect(chantier).to_have_values([])
    chantier.select_option('Marseille')
    dialog.get_by_role('button', name='Find', exact=True).click()
    expect(search).to_have_value(re.compile(r'^Chantier: Marseille\s*$'))
    expect(rows).to_have_count(count_invoices(
            demo_server, [('extra_fields.chantier', '=', 'marseille')]))
    expect(rows.filter(has_text=DRAFT_CUSTOMER)).to_have_count(0)


def test_extra_field_shown_as_a_column(demo_server, page):
    login(page, demo_server)
    open_all_invoices(page, demo_server)
    header = page.locator('.tab-content:visible table.tree thead')
    column = header.locator('th label[title="Chantier"]')
    expect(column).to_be_hidden()
    menu = header.locator('th.optional a[data-toggle="dropdown"]')
    menu.click()
    header.locator('.dropdown-menu label').filter(has_text='Chantier') \
        .locator('input[type="checkbox"]').check()
    # closing the menu stores the choice of every optional column of the
    # list: the server must not refuse it for the extra field's column
    with page.expect_response(lambda r: b'view_tree_optional.set_optional'
            in (r.request.post_data_buffer or b'')) as stored:
        menu.click()
    assert 'error' not in stored.value.json(), stored.value.json()
    expect(header.locator('.dropdown-menu')).to_be_hidden()
    expect(column).to_be_visible()
    row = visible_rows(page).filter(has_text=DRAFT_CUSTOMER)
    expect(row.get_by_text('Lyon', exact=True)).to_be_visible()


def test_extra_fields_exported_to_csv(demo_server, page, output_dir):
    """The CSV export of the list pre-selects every column of the list, the
    extra fields' ones too, and saves their values"""
    login(page, demo_server)
    open_all_invoices(page, demo_server)
    search = page.locator('.tab-content:visible input[placeholder="Search"]')
    rows = visible_rows(page)
    search.fill('Chantier: Lyon')
    search.press('Enter')
    expect(rows).to_have_count(count_invoices(
            demo_server, [('extra_fields.chantier', '=', 'lyon')]))

    page.locator('.tab-content:visible a.navbar-brand.dropdown-toggle').click()
    page.locator('.tab-content:visible a#export[role="menuitem"]').click()
    dialog = page.locator('.modal-dialog:visible').filter(
        has_text='CSV Export')
    # built to its end: the records to export come after the fields
    expect(dialog.locator('#input-records')).to_be_visible()
    expect(dialog.get_by_role('button', name='Save Export')).to_be_visible()
    selected = dialog.locator('.column-fields').last
    for path, label in [
            ('extra_fields__chantier.translated', 'Chantier (string)'),
            ('extra_fields__bon_commande_client', 'Bon de commande client')]:
        expect(selected.locator(f'li[path="{path}"]')).to_have_text(label)
    # listed among all the fields, to add again once removed
    expect(dialog.locator('.column-fields').first.get_by_text(
            'Chantier', exact=True)).to_be_visible()
    dialog.locator('#input-records').select_option(label='Listed Records')
    page.screenshot(path=os.path.join(output_dir, 'extra-field-export.png'))

    with page.expect_download() as download_info:
        # sao's "Download" dialog clicks its link itself once shown
        dialog.get_by_role('button', name='Save As...').click()
    path = os.path.join(output_dir, 'extra-field-export.csv')
    download_info.value.save_as(path)
    with open(path, encoding='utf-8-sig', newline='') as fp:
        header, *lines = list(csv.reader(fp))
    party = header.index('Party')
    chantier = header.index('Chantier (string)')
    bon = header.index('Bon de commande client')
    assert len(lines) == count_invoices(
        demo_server, [('extra_fields.chantier', '=', 'lyon')])
    assert {line[chantier] for line in lines} == {'Lyon'}
    # the demo's draft invoice
    draft, = [line for line in lines if line[party] == DRAFT_CUSTOMER]
    assert draft[bon] == 'BC-2026-042'


def test_new_invoice_from_the_list(demo_server, page):
    """The client asks the defaults and the changes of a new invoice with
    every field it knows of the model, the list's extra field columns
    too: the server answers them"""
    login(page, demo_server)
    open_all_invoices(page, demo_server)
    answers = []
    page.on('response', lambda r: answers.append(r)
        if '/rpc/' in r.url and r.request.method == 'POST' else None)
    with page.expect_response(lambda r: b'.default_get'
            in (r.request.post_data_buffer or b'')) as defaults:
        toolbar(page, 'new_').click()
    request = json.loads(defaults.value.request.post_data_buffer)
    assert 'extra_fields__chantier' in request['params'][0]
    assert 'error' not in defaults.value.json(), defaults.value.json()
    form = current_form(page)
    party = form.locator('input[name="party"]')
    expect(party).to_be_visible()
    # sao shows the form before the defaults come, then displays the new
    # record: what is typed before is lost
    expect(form.locator('select[name="type"]')).to_have_value('"out"')
    party.press_sequentially('Boulangerie')
    # picked among the completions, as a user does
    form.locator('.dropdown-completion:visible').get_by_text(
        DRAFT_CUSTOMER).click()
    expect(party).to_have_value(DRAFT_CUSTOMER)
    # the customer's invoice address follows (the host's on_change)
    expect(form.locator('input[name="invoice_address"]')).not_to_have_value('')
    errors = [(r.request.post_data, r.json()) for r in answers
        if r.ok and 'error' in r.json()]
    assert not errors, errors
