# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Margins in the real web client on the demo (issue 18): the demo
accountant, in the "Margin" group, sees the margin columns of a draft
invoice and the graph of the margin by customer; the Belgian accountant,
outside the group, sees no margin page, column nor cost."""
import datetime as dt
import os
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
from sao_client import RPC, current_form, login, open_menu, open_url, toolbar

FRENCH_DRAFT_CUSTOMER = "Boulangerie Martin SARL"


def decimal(value):
    "A Decimal of the JSON-RPC answer, None kept"
    if isinstance(value, dict):
        return Decimal(value['decimal'])
    return value


def json_date(date):
    return {'__class__': 'date', 'year': date.year, 'month': date.month,
        'day': date.day}


def digits(value):
    "The digits of an amount, whatever the separators of the language"
    return re.sub(r'\D', '', '{:.2f}'.format(decimal(value)))


def open_invoice(page, server, invoice_id):
    open_url(page, server, 'model/account.invoice/%d' % invoice_id)
    form = current_form(page)
    expect(form.locator('input[name="party"]')).to_be_attached()
    return form


def line_list(form):
    "The list of the invoice's lines (the first list of the form)"
    return form.locator('.form-one2many').first


def draft_of(rpc, fields, domain=()):
    "The demo's draft (other browser tests may add theirs later)"
    invoice, = rpc('model.account.invoice.search_read',
        [('type', '=', 'out'), ('state', '=', 'draft'), *domain], 0, 1,
        [('id', 'ASC')], ['id', 'lines'] + fields)
    return invoice


def test_margin_columns_on_a_draft_invoice(demo_server, page, output_dir):
    accountant = RPC(demo_server, 'comptable', 'comptable-demo')
    invoice = draft_of(accountant, ['margin', 'cost'],
        [('party.name', '=', FRENCH_DRAFT_CUSTOMER)])
    lines = accountant('model.account.invoice.line.read', invoice['lines'],
        ['product.rec_name', 'unit_cost', 'margin', 'margin_rate'])
    # the demo's products are costed: the draft's margin is known and live
    assert all(decimal(l['unit_cost']) for l in lines), lines
    margin, cost = decimal(invoice['margin']), decimal(invoice['cost'])
    assert margin == sum(decimal(l['margin']) for l in lines)
    assert 0 < margin < margin + cost

    login(page, demo_server, 'comptable', 'comptable-demo')
    form = open_invoice(page, demo_server, invoice['id'])
    table = line_list(form)
    headers = table.locator('th:visible')
    expect(headers.filter(has_text=re.compile(r'^\s*Marge\s*$'))) \
        .to_have_count(1)
    expect(headers.filter(has_text='Taux de marge')).to_have_count(1)
    rows = table.locator('tbody tr:visible')
    expect(rows).to_have_count(len(lines))
    # each line's margin in its row, the invoice's total on the form
    texts = [digits(l['margin']) for l in lines]
    for row, line, text in zip(rows.all(), lines, texts):
        cells = [re.sub(r'\D', '', c) for c in row.locator(
                'td').all_inner_texts()]
        assert text in cells, (line, cells)
    margin = form.locator('input[name="margin"][type="text"]')
    expect(margin).to_be_visible()
    expect(margin).to_have_value(re.compile(
        r'^\D*' + r'\D?'.join(digits(invoice['margin'])) + r'\D*$'))
    page.screenshot(path=os.path.join(output_dir, 'margin-draft.png'))


def test_margin_by_customer_graph(demo_server, page, output_dir):
    accountant = RPC(demo_server, 'comptable', 'comptable-demo')
    # the dates the analysis window starts with: the last twelve months
    today = dt.date.today()
    context = dict(accountant.context,
        from_date=json_date(today - relativedelta(years=1)),
        to_date=json_date(today))
    rows = accountant._call('model.mentorsig.margin.customer.search_read',
        [[], 0, None, None, ['customer.rec_name', 'margin', 'revenue'],
            context], headers=accountant.headers)
    # the demo's posted invoices give the graph its data
    with_margin = [r for r in rows if decimal(r['margin'])]
    assert len(with_margin) >= 3, rows

    login(page, demo_server, 'comptable', 'comptable-demo')
    open_menu(page, 'MentorSiG', 'Analyse des marges', 'Marge par client')
    # the analysis opens on its graph: a bar of revenue per customer, one
    # of margin per customer whose margin is known
    tab = page.locator('.tab-content:visible')
    expect(tab.locator('path.bb-bar').first).to_be_attached()
    expect(tab.locator('.bb-axis-x .tick')).to_have_count(len(rows))
    for legend in ["Chiffre d'affaires", "Marge"]:
        expect(tab.locator('.bb-legend-item').filter(has_text=legend)) \
            .to_have_count(1)
    bars = tab.locator('path.bb-bar')
    assert bars.count() >= len(rows) + len(with_margin), bars.count()
    page.screenshot(path=os.path.join(output_dir, 'margin-by-customer.png'))
    # the list beside it: a row per customer
    toolbar(page, 'switch_').click()
    list_rows = tab.locator('table.tree tbody tr:visible')
    for row in rows:
        expect(list_rows.filter(has_text=row['customer.']['rec_name'])) \
            .to_have_count(1)



def test_no_margin_outside_the_group(demo_server, page, output_dir):
    belgian = RPC(demo_server, 'comptable-be', 'comptable-be-demo')
    invoice = draft_of(belgian, [])
    try:
        belgian('model.account.invoice.read', [invoice['id']], ['margin'])
    except RuntimeError as error:
        assert 'Marge' in str(error) or 'Margin' in str(error)
    else:
        raise AssertionError("the margin was read outside the group")
    try:
        belgian('model.product.product.search_read', [], 0, 1, None,
            ['cost_price'])
    except RuntimeError:
        pass
    else:
        raise AssertionError("a cost price was read outside the group")

    login(page, demo_server, 'comptable-be', 'comptable-be-demo')
    expect(page.locator('#menu').get_by_text('MentorSiG', exact=True)) \
        .to_be_visible()
    open_menu(page, 'MentorSiG')
    expect(page.locator('#menu').get_by_text('Analyse des marges')) \
        .to_have_count(0)
    form = open_invoice(page, demo_server, invoice['id'])
    table = line_list(form)
    expect(table.locator('tbody tr:visible').first).to_be_visible()
    headers = table.locator('th')
    expect(headers.filter(has_text='Quantité')).to_have_count(1)
    for name in ['Marge', 'Taux de marge', 'Coût unitaire', 'Coût']:
        expect(headers.filter(has_text=re.compile(r'^\s*%s\s*$' % name))) \
            .to_have_count(0)
    expect(form.locator('input[name="margin"]')).to_have_count(0)
    expect(form.get_by_text('Marge', exact=True)).to_have_count(0)
    page.screenshot(path=os.path.join(output_dir, 'margin-hidden.png'))


def test_demo_orders_show_their_margin(demo_server):
    "The demo's quotations and orders have a margin, as its invoices"
    accountant = RPC(demo_server, 'comptable', 'comptable-demo')
    sales = accountant('model.sale.sale.search_read', [], 0, None, None,
        ['state', 'margin', 'cost', 'untaxed_amount'])
    assert sales
    for sale in sales:
        margin, cost = decimal(sale['margin']), decimal(sale['cost'])
        assert margin is not None and cost is not None, sale
        assert margin + cost == decimal(sale['untaxed_amount']), sale
