# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Defects a new user met in the web client (issue 12), tried again there:
a credit note used on another invoice refunds only what is left of it
(item 1); an invoice dated after today is refused at posting (item 5)."""
import datetime as dt
import re
from decimal import Decimal

from playwright.sync_api import expect
from sao_client import (
    RPC, click_until_closed, current_form, login, number_shown, open_menu,
    visible_rows)


def open_invoice(page, text):
    open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
    page.locator('.tab-domain').get_by_text('All', exact=True).click()
    visible_rows(page).filter(has_text=text).first.dblclick(
        position={'x': 300, 'y': 12})
    form = current_form(page)
    expect(form.locator('input[name="party"]')).to_be_visible()
    return form


def test_used_credit_note_refunds_only_what_is_left(demo_server, page):
    rpc = RPC(demo_server)
    note, = rpc('model.account.invoice.search_read',
        [('type', '=', 'out'), ('number', 'like', 'AV%')], 0, None, None,
        ['number', 'total_amount', 'amount_to_pay'])
    total = Decimal(note['total_amount']['decimal'])
    left = Decimal(note['amount_to_pay']['decimal'])
    # the demo's credit note is partly used on another invoice
    assert total < left < 0
    shown = re.compile(r'^-?%s$' % re.escape('%.2f' % abs(left)))

    login(page, demo_server)
    form = open_invoice(page, note['number'])
    form.get_by_role('tab', name='Payment', exact=True).click()
    expect(number_shown(form, 'amount_to_pay')).to_have_value(shown)
    # Pay offers to refund what is left, not the whole credit note
    form.get_by_role('button', name='Pay', exact=True).click()
    wizard = page.locator('.modal-dialog:visible').last
    expect(number_shown(wizard, 'amount')).to_have_value(shown)
    click_until_closed(wizard, 'Cancel')
    note_after, = rpc('model.account.invoice.read', [note['id']],
        ['amount_to_pay'])
    assert Decimal(note_after['amount_to_pay']['decimal']) == left


def test_invoice_dated_after_today_is_refused(demo_server, page):
    rpc = RPC(demo_server)
    draft, = rpc('model.account.invoice.search_read',
        [('type', '=', 'out'), ('state', '=', 'draft'),
            ('party.name', '=', 'Boulangerie Martin SARL')], 0, None, None,
        ['invoice_date', 'party.rec_name'])
    future = dt.date.today() + dt.timedelta(days=14)
    login(page, demo_server)
    try:
        # the list opens on its Draft tab
        open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
        visible_rows(page).filter(has_text='Boulangerie Martin SARL').first \
            .dblclick(position={'x': 300, 'y': 12})
        form = current_form(page)
        # typed before the record is shown, the date would be lost and
        # Post would post the draft (a PostgreSQL run did): wait for it
        expect(form.locator('input[name="party"]')).to_have_value(
            'Boulangerie Martin SARL')
        date = form.locator('input[name="invoice_date"]').first
        expect(date).to_be_editable()
        # the admin's language is English: month/day/year
        date.fill(future.strftime('%m/%d/%Y'))
        date.press('Tab')
        expect(date).to_have_value(future.strftime('%m/%d/%Y'))
        form.get_by_role('button', name='Post', exact=True).click()
        page.locator('.modal-dialog:visible').get_by_role(
            'button', name='OK', exact=True).click()
        error = page.locator('.modal-dialog:visible').filter(
            has_text='after today')
        expect(error).to_be_visible()
        expect(error).to_contain_text(future.strftime('%m/%d/%Y'))
        invoice, = rpc('model.account.invoice.read', [draft['id']],
            ['state', 'number', 'invoice_date'])
        assert invoice['state'] == 'draft' and not invoice['number']
    finally:
        # the other tests of the session use the demo's draft as it was
        rpc('model.account.invoice.write', [draft['id']],
            {'invoice_date': draft['invoice_date']})
