# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Invoice button of a contract started in the past, in the real web
client: the demo's "Maintenance du site web" contract began two months
back and was never invoiced; one click makes one invoice dated today with
one line per month, each stating its period, posts it and opens it."""
import datetime as dt
import os

from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
from sao_client import (
    RPC, SERVER_WORK, current_form, login, open_menu, visible_rows)

CUSTOMER = "Atelier Bernard Menuiserie"


def open_running_contract(page, menu, tab, customer):
    """Open the customer's contract from the tab of running contracts and
    return its form. The customer has one contract (each test checks it
    through RPC): the list once showed its row twice in a full run, while
    it reloaded for the tab"""
    open_menu(page, *menu)
    page.locator('.tab-domain:visible').get_by_text(tab, exact=True).click()
    rows = visible_rows(page).filter(has_text=customer)
    expect(rows.first).to_be_visible()
    rows.first.dblclick(position={'x': 200, 'y': 12})
    form = current_form(page)
    expect(form.locator('input[name="party"]')).to_have_value(customer)
    return form


def test_invoice_contract_started_in_the_past(demo_server, page, output_dir):
    login(page, demo_server)
    rpc = RPC(demo_server)
    contract, = rpc('model.sale.subscription.search_read',
        [('party.name', '=', CUSTOMER)], 0, None, None,
        ['id', 'start_date', 'mentorsig_invoices'])
    assert not contract['mentorsig_invoices']

    form = open_running_contract(page, ('Sales', 'Subscriptions'),
        'Running', CUSTOMER)
    form.get_by_role('button', name='Invoice', exact=True).click()

    # The button opens the invoice it made, posted, in a tab of its own
    invoice_form = current_form(page)
    expect(invoice_form.locator('input[name="invoice_date"]')).to_be_visible(
        timeout=SERVER_WORK)
    expect(invoice_form.locator('input[name="number"]')).not_to_have_value('')
    page.screenshot(path=os.path.join(output_dir, 'contract-catch-up.png'))
    contract, = rpc('model.sale.subscription.read', [contract['id']],
        ['mentorsig_invoices'])
    invoice, = rpc('model.account.invoice.read',
        contract['mentorsig_invoices'],
        ['id', 'state', 'number', 'invoice_date', 'lines'])
    assert invoice['state'] == 'posted'
    expect(invoice_form.locator('input[name="number"]')).to_have_value(
        invoice['number'])
    today = dt.date.today()
    assert invoice['invoice_date'] == {
        '__class__': 'date', 'year': today.year, 'month': today.month,
        'day': today.day}
    lines = rpc('model.account.invoice.line.read', invoice['lines'],
        ['quantity', 'note'])
    start = today.replace(day=1) - relativedelta(months=2)
    expected = []
    for month in range(3):
        first = start + relativedelta(months=month)
        last = first + relativedelta(months=1, days=-1)
        expected.append("Période : du %s au %s" % (
                first.strftime('%d/%m/%Y'), last.strftime('%d/%m/%Y')))
    assert sorted(l['note'] for l in lines) == sorted(expected)
    assert [l['quantity'] for l in lines] == [1, 1, 1]


def test_sales_user_invoices_contract_left_for_accounting(
        demo_server, page, output_dir):
    """Issue 20 item 1: the demo's salesperson (the host's Sales group and
    MentorSiG Sales only, French) clicks Invoice on "Assistance mensuelle",
    a contract that posts its invoices: the invoice opens as a draft left
    for accounting, never posted by a user who may not post"""
    customer = "Hôtel Les Tilleuls"
    rpc = RPC(demo_server)
    contract, = rpc('model.sale.subscription.search_read',
        [('party.name', '=', customer), ('state', '=', 'running')], 0, None,
        None, ['id', 'post_invoices', 'mentorsig_invoices'])
    assert contract['post_invoices']
    assert not contract['mentorsig_invoices']
    salesperson, = rpc('model.res.user.search_read',
        [('login', '=', 'vendeur')], 0, None, None, ['groups'])
    groups = rpc('model.res.group.read', salesperson['groups'], ['name'])
    assert 'Accounting' not in {g['name'] for g in groups}

    login(page, demo_server, 'vendeur', 'vendeur-demo')
    form = open_running_contract(page, ('Ventes', 'Abonnements'),
        'En cours', customer)
    page.screenshot(path=os.path.join(output_dir, 'contracts-sales-user.png'))
    form.get_by_role('button', name='Facturer', exact=True).click()

    invoice_form = current_form(page)
    expect(invoice_form.locator('input[name="invoice_date"]')).to_be_visible(
        timeout=SERVER_WORK)
    page.screenshot(path=os.path.join(output_dir, 'contract-sales-user.png'))
    contract, = rpc('model.sale.subscription.read', [contract['id']],
        ['mentorsig_invoices'])
    invoice, = rpc('model.account.invoice.read',
        contract['mentorsig_invoices'], ['state', 'number', 'party'])
    assert invoice['state'] == 'draft'
    assert invoice['number'] is None
    # the form it opened is that draft: no number, and its Post button
    # disabled for a user outside the Accounting groups
    expect(invoice_form.locator('input[name="number"]')).to_have_value('')
    expect(invoice_form.get_by_role(
            'button', name='Comptabiliser', exact=True)).to_be_disabled()
