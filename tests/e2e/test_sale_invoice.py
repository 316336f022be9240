# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Invoice wizard of sales in the real web client: a deposit of 40 % on
a quotation, then the remaining balance of a confirmed order whose 30 %
deposit is posted, posted and printed."""
import io
import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sao_client import (
    RPC, SERVER_WORK, click_until_closed, current_form, fill_number, login,
    number_shown, open_menu, print_pdf, visible_rows)

CENT = Decimal('0.01')
DEPOSIT_DEDUCTED = {
    'fr': "Déjà facturé en acompte",
    'en': "Already invoiced as deposit",
    }


@pytest.fixture
def sale_server(demo_server):
    """The shared demo server: this test runs after the other browser
    tests (tests/conftest.py), whose counts its new invoices would change"""
    return demo_server


def money(value):
    "The text of an amount in the client (English): 1,234.50"
    return re.compile(re.escape('{:,.2f}'.format(Decimal(value))) + '$')


def open_sale(page, party):
    "From the Sales menu, the sale of a customer in the All tab"
    open_menu(page, 'Sales')
    # the menu and its entry have the same name
    page.locator('#menu').get_by_text('Sales', exact=True).nth(1).click()
    page.locator('.tab-domain:visible').get_by_text(
        'All', exact=True).click()
    rows = visible_rows(page).filter(has_text=party)
    expect(rows).to_have_count(1)
    rows.dblclick(position={'x': 300, 'y': 12})
    form = current_form(page)
    expect(form.locator('input[name="party"]')).to_have_value(party)
    return form


def run_invoice_wizard(page, form):
    "Click the sale's Invoice button and return its dialog"
    form.get_by_role('button', name='Invoice', exact=True).click()
    dialog = page.locator('.modal-dialog:visible').filter(
        has=page.locator('select[name="method"]'))
    expect(dialog).to_have_count(1)
    return dialog


def assert_amounts_inside(dialog, names):
    "The amounts of the wizard show inside its dialog (none cut off)"
    body = dialog.locator('.modal-body').bounding_box()
    for name in names:
        box = number_shown(dialog, name).bounding_box()
        assert box['x'] + box['width'] <= body['x'] + body['width'], (
            name, box, body)


def sale_of(rpc, party):
    sale, = rpc('model.sale.sale.search_read',
        [('party.name', '=', party)], 0, None, None,
        ['id', 'state', 'total_amount', 'untaxed_amount'])
    return sale


def sale_invoices(rpc, sale, fields, domain=None):
    return rpc('model.account.invoice.search_read',
        [('sales', '=', sale['id'])] + (domain or []), 0, None,
        [('id', 'ASC')], fields)


def customer_language(rpc, party_id):
    "The language of the customer's documents: French when none is set"
    party, = rpc('model.party.party.read', [party_id], ['lang'])
    if not party['lang']:
        return 'fr'
    lang, = rpc('model.ir.lang.read', [party['lang']], ['code'])
    return lang['code'][:2]


def decimal(value):
    "A Decimal of JSON-RPC (a __class__ Decimal dict)"
    if isinstance(value, dict):
        return Decimal(value['decimal'])
    return Decimal(str(value))


def test_deposit_on_quotation_then_balance_of_order(
        sale_server, page, output_dir):
    login(page, sale_server)
    rpc = RPC(sale_server)
    quotation_party = "Librairie Moreau"
    order_party = "Clinique Vétérinaire Rousseau"

    # A deposit of 40 % on the quotation
    quotation = sale_of(rpc, quotation_party)
    assert quotation['state'] == 'quotation'
    assert not sale_invoices(rpc, quotation, ['id'])
    form = open_sale(page, quotation_party)
    dialog = run_invoice_wizard(page, form)
    expect(dialog.locator('select[name="method"]')).to_have_value('"whole"')
    expect(number_shown(dialog, 'total_amount')).to_have_value(
        money(decimal(quotation['total_amount'])))
    dialog.locator('select[name="method"]').select_option(label='Deposit')
    expect(dialog.locator('select[name="deposit_kind"]')).to_have_value(
        '"percentage"')
    fill_number(dialog, 'deposit_percentage', '40')
    page.screenshot(path=os.path.join(output_dir, 'sale-deposit-wizard.png'))
    assert_amounts_inside(
        dialog, ['total_amount', 'invoiced_amount', 'amount_to_invoice'])
    click_until_closed(dialog, 'Invoice')

    # The deposit invoice opens, a draft of 40 % of the order
    invoice_form = current_form(page)
    expect(invoice_form.locator('input[name="party"]')).to_have_value(
        quotation_party)
    deposit, = sale_invoices(rpc, quotation,
        ['state', 'mentorsig_kind', 'untaxed_amount', 'total_amount'])
    assert (deposit['state'], deposit['mentorsig_kind']) == (
        'draft', 'deposit')
    ratio = Decimal('0.40')
    total = decimal(deposit['total_amount'])
    assert total == (decimal(quotation['total_amount']) * ratio).quantize(
        CENT)
    assert decimal(deposit['untaxed_amount']) == (
        decimal(quotation['untaxed_amount']) * ratio).quantize(CENT)
    expect(number_shown(invoice_form, 'total_amount')).to_have_value(
        money(total))
    page.screenshot(path=os.path.join(output_dir, 'sale-deposit-invoice.png'))

    # The confirmed order: its 30 % deposit is posted, the wizard proposes
    # the remaining balance
    order = sale_of(rpc, order_party)
    posted_deposit, = sale_invoices(rpc, order,
        ['state', 'total_amount', 'lines'],
        [('mentorsig_kind', '=', 'deposit')])
    assert posted_deposit['state'] == 'posted'
    deposit_total = decimal(posted_deposit['total_amount'])
    order_total = decimal(order['total_amount'])
    form = open_sale(page, order_party)
    dialog = run_invoice_wizard(page, form)
    expect(dialog.locator('select[name="method"]')).to_have_value('"balance"')
    expect(number_shown(dialog, 'deposit_invoiced')).to_have_value(
        money(deposit_total))
    expect(number_shown(dialog, 'amount_to_invoice')).to_have_value(
        money(order_total - deposit_total))
    page.screenshot(path=os.path.join(output_dir, 'sale-balance-wizard.png'))
    assert_amounts_inside(dialog, ['total_amount', 'deposit_invoiced',
            'invoiced_amount', 'amount_to_invoice'])
    click_until_closed(dialog, 'Invoice')

    invoice_form = current_form(page)
    expect(invoice_form.locator('input[name="party"]')).to_have_value(
        order_party)
    final, = sale_invoices(rpc, order,
        ['state', 'total_amount', 'lines', 'party'],
        [('mentorsig_kind', '=', 'invoice')])
    assert final['state'] == 'draft'
    lang = customer_language(rpc, final['party'])
    # Deposit + final invoice = order total, to the cent
    final_total = decimal(final['total_amount'])
    assert deposit_total + final_total == order_total
    # One negative line per VAT rate of the deposit, giving its line back
    deposit_lines = rpc('model.account.invoice.line.read',
        posted_deposit['lines'], ['amount', 'taxes'])
    deductions = [l for l in rpc('model.account.invoice.line.read',
            final['lines'], ['amount', 'taxes', 'origin'])
        if decimal(l['amount']) < 0]
    assert sorted(
        (tuple(sorted(l['taxes'])), -decimal(l['amount']))
        for l in deductions) == sorted(
        (tuple(sorted(l['taxes'])), decimal(l['amount']))
        for l in deposit_lines)
    assert {l['origin'] for l in deductions} == {
        'account.invoice.line,%d' % l['id'] for l in deposit_lines}
    expect(number_shown(invoice_form, 'total_amount')).to_have_value(
        money(final_total))

    # Posted in the client (which asks for confirmation), then printed
    invoice_form.get_by_role('button', name='Post', exact=True).click()
    page.locator('.modal-dialog:visible').get_by_role(
        'button', name='OK', exact=True).click()
    expect(invoice_form.locator(
            'select[name="state"], input[name="state"]').first) \
        .to_have_value(re.compile('[Pp]osted'), timeout=SERVER_WORK)
    number = invoice_form.locator('input[name="number"]')
    expect(number).not_to_have_value('')
    number = number.input_value()
    page.screenshot(path=os.path.join(output_dir, 'sale-final-invoice.png'))
    final, = sale_invoices(rpc, order, ['state', 'number', 'total_amount'],
        [('mentorsig_kind', '=', 'invoice')])
    assert (final['state'], final['number']) == ('posted', number)
    assert deposit_total + decimal(final['total_amount']) == order_total

    data = print_pdf(page, 'Invoice',
        os.path.join(output_dir, 'sale-final-invoice.pdf'), output_dir)
    text = ' '.join(p.extract_text()
        for p in PdfReader(io.BytesIO(data)).pages)
    text = ' '.join(text.replace('\xa0', ' ').replace('\u202f', ' ').split())
    assert number in text
    assert DEPOSIT_DEDUCTED[lang] in text
