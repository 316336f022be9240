# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 in the real web client and on the real server: the accountant
makes a payment link of a demo invoice, the customer opens it without a
login and sees what is due and how to pay; a webhook signed as Stripe
signs it pays the invoice, which the link and the back office then show."""
import os
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect
from sao_client import RPC, current_form, login, open_url
from provider_servers import checkout_completed, signed

from demo.build import DEMO_STRIPE_WEBHOOK_SECRET


def open_invoice(page, server, invoice_id):
    open_url(page, server, 'model/account.invoice/%d' % invoice_id)
    expect(current_form(page).locator('input[name="number"]')).to_be_attached()


def post_webhook(server, event, secret):
    payload, header = signed(event, secret)
    company = event['data']['object']['metadata']['company']
    request = urllib.request.Request(
        '%s%s/mentorsig_payment_links/webhook/stripe/%s' % (
            server.url, server.database.name, company),
        data=payload.encode(), method='POST',
        headers={'Stripe-Signature': header,
            'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_payment_link_paid_by_a_signed_webhook(
        demo_server, page, browser, output_dir):
    rpc = RPC(demo_server)
    invoice, = rpc('model.account.invoice.search_read', [
            ('type', '=', 'out'), ('state', '=', 'posted'),
            ('description', '=', "Audit de clôture")], 0, 1, None,
        ['number', 'amount_to_pay', 'company', 'currency'])
    due = invoice['amount_to_pay']['decimal']

    # The accountant makes a link from the invoice form
    login(page, demo_server)
    open_invoice(page, demo_server, invoice['id'])
    current_form(page).get_by_role(
        'button', name='Payment Link', exact=True).click()
    dialog = page.locator('.modal-dialog:visible').last
    url_input = dialog.locator('input[name="url"]')
    expect(url_input).not_to_have_value('')
    url = url_input.input_value()
    page.screenshot(path=os.path.join(output_dir, 'payment-link-made.png'))
    dialog.locator('.modal-footer').get_by_role(
        'button', name='Close', exact=True).click()
    # the demo's public address is make run's; this server listens on
    # another port (the address is configurable for a reverse proxy)
    assert url.startswith('http://127.0.0.1:8000/%s/' % (
            demo_server.database.name))
    public = demo_server.url + url.split('/', 3)[3]

    # The customer, without a login, in a fresh browser
    context = browser.new_context(locale='fr-FR')
    try:
        customer = context.new_page()
        customer.goto(public)
        expect(customer.locator('#amount-due')).to_be_visible()
        shown = customer.locator('#amount-due').inner_text()
        assert re.sub(r'\D', '', shown) == due.replace('.', ''), (shown, due)
        expect(customer.get_by_role('button', name=re.compile(
                    '(Payer avec|Pay with) Stripe'))).to_be_visible()
        expect(customer.get_by_role('button', name=re.compile(
                    '(Payer avec|Pay with) Paybox'))).to_be_visible()
        expect(customer.locator('body')).to_contain_text(invoice['number'])
        customer.screenshot(
            path=os.path.join(output_dir, 'payment-link-page.png'))
        # no session of the back office in this browser
        assert not any('session' in c['name'].lower()
            for c in context.cookies())

        # Stripe confirms the payment: a webhook signed with the demo's
        # secret, for the link just made
        link, = rpc('model.mentorsig.payment_link.search_read',
            [('invoice', '=', invoice['id']), ('channel', '=', 'manual')],
            0, 1, [('id', 'DESC')], ['id'])
        cents = int(round(float(due) * 100))
        session = {
            'id': 'cs_test_e2e', 'object': 'checkout.session',
            'amount_total': cents, 'currency': 'eur',
            'metadata': {'invoice': str(invoice['id']),
                'link': str(link['id']),
                'company': str(invoice['company'])}}
        event = checkout_completed(session, payment_intent='pi_e2e',
            event_id='evt_e2e')
        # a forged one first: refused, nothing paid
        assert post_webhook(demo_server, event, 'whsec_forged') == 400
        customer.reload()
        expect(customer.locator('#amount-due')).to_be_visible()
        assert post_webhook(
            demo_server, event, DEMO_STRIPE_WEBHOOK_SECRET) == 204
        customer.reload()
        expect(customer.locator('h1')).to_have_text(
            re.compile('Facture payée|Invoice paid'))
        customer.screenshot(
            path=os.path.join(output_dir, 'payment-link-paid.png'))
    finally:
        context.close()

    # The back office shows it paid
    state, = rpc('model.account.invoice.read', [invoice['id']], ['state'])
    assert state['state'] == 'paid'
    page.reload()
    open_invoice(page, demo_server, invoice['id'])
    expect(current_form(page).locator('select[name="state"], '
            'input[name="state"], span[name="state"]').first).to_be_attached()
    expect(current_form(page)).to_contain_text('Paid')
    page.screenshot(path=os.path.join(output_dir, 'payment-link-backoffice.png'))
