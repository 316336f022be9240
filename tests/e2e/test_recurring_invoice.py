# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 17 in the real web client: Make Recurring on a posted demo
invoice opens a draft recurring invoice repeating it every month; once it
starts today, Run then Generate Now opens the new invoice, posted, with
its period in the customer's language and its link to the template."""
import datetime as dt
import os
import re

from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
from sao_client import RPC, SERVER_WORK, current_form, login, open_url


def test_make_recurring_then_generate_now(demo_server, page, output_dir):
    login(page, demo_server)
    rpc = RPC(demo_server)
    invoice, = rpc('model.account.invoice.search_read', [
            ('type', '=', 'out'), ('state', '=', 'posted'),
            # a French customer (the language is a company value: no search)
            ('party.name', '=', 'Pharmacie du Vieux-Port'),
            ('recurring_template', '=', None)], 0, 1, None,
        ['id', 'party', 'invoice_date'])
    open_url(page, demo_server, 'model/account.invoice/%d' % invoice['id'])
    form = current_form(page)
    expect(form.locator('input[name="number"]')).to_be_attached()
    form.get_by_role('button', name='Make Recurring', exact=True).click()

    # The draft template opens, repeating the invoice from next month
    template_form = current_form(page)
    expect(template_form.locator('input[name="name"]')).to_be_visible(
        timeout=SERVER_WORK)
    templates = rpc('model.mentorsig.recurring.template.search_read', [
            ('party', '=', invoice['party']),
            ('state', '=', 'draft')], 0, None, [('id', 'DESC')],
        ['id', 'start_date', 'lines'])
    template = templates[0]
    today = dt.date.today()
    dated = invoice['invoice_date']
    start = dt.date(dated['year'], dated['month'], dated['day']
        ) + relativedelta(months=1)
    assert template['start_date'] == {'__class__': 'date',
        'year': start.year, 'month': start.month, 'day': start.day}
    assert template['lines']
    page.screenshot(path=os.path.join(output_dir, 'recurring-made.png'))

    # The accountant makes it start today, runs it and generates now
    date_input = template_form.locator('input[name="start_date"]').first
    # the admin's language is English: month/day/year
    date_input.fill(today.strftime('%m/%d/%Y'))
    date_input.press('Tab')
    template_form.get_by_role('button', name='Run', exact=True).click()
    expect(template_form.locator('select[name="state"], '
        'input[name="state"]').first).to_have_value(
        re.compile('[Rr]unning|En cours'))
    template_form.get_by_role(
        'button', name='Generate Now', exact=True).click()

    invoice_form = current_form(page)
    expect(invoice_form.locator('input[name="number"]')).not_to_have_value(
        '', timeout=SERVER_WORK)
    last = today + relativedelta(months=1) - dt.timedelta(days=1)
    period = "Période du %s au %s" % (
        today.strftime('%d/%m/%Y'), last.strftime('%d/%m/%Y'))
    expect(invoice_form.locator('textarea[name="comment"]')).to_have_value(
        re.compile('^' + re.escape(period)))
    page.screenshot(path=os.path.join(output_dir, 'recurring-generated.png'))
    made = rpc('model.account.invoice.search_read', [
            ('recurring_template', '=', template['id'])], 0, None, None,
        ['state', 'recurring_period_start', 'recurring_period_end'])
    assert [m['state'] for m in made] == ['posted']
