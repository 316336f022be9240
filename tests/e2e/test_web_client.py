# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A new user's first minutes in the real web client (sao) on the demo."""
import os

from demo_server import ADMIN_PASSWORD
from playwright.sync_api import expect

TIMEOUT = 30_000


def login(page, server, login='admin', password=ADMIN_PASSWORD):
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url + '#' + server.database.name)
    # sao lists the databases first (on PostgreSQL trytond opens each one
    # of the server): a click before the list arrives is ignored
    expect(page.locator('#database:visible')).to_have_value(
        server.database.name, timeout=180_000)
    page.fill('#login', login)
    page.get_by_role('button', name='Login').click()
    password_input = page.locator('input[type="password"]:visible')
    password_input.fill(password)
    password_input.press('Enter')
    # The menu is the first thing a logged-in user sees
    expect(page.locator('#menu')).to_be_visible()


def open_menu(page, *path):
    for name in path:
        page.locator('#menu').get_by_text(name, exact=True).first.click()


def visible_rows(page):
    return page.locator('.tab-content:visible table.tree tbody tr:visible')


def test_customer_invoices_listed(demo_server, page, output_dir):
    login(page, demo_server)
    open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
    # The list opens on the "Draft" tab: the demo has one draft
    expect(visible_rows(page).filter(has_text='Boulangerie Martin SARL')) \
        .to_have_count(1)
    page.locator('.tab-domain').get_by_text('All', exact=True).click()
    rows = visible_rows(page)
    for customer in ['Hôtel Les Tilleuls', 'Pharmacie du Vieux-Port',
            'Cabinet Lefèvre Architectes', 'Garage Dupont et Fils']:
        expect(rows.filter(has_text=customer)).to_have_count(1)
    # 8 posted or paid invoices, 1 credit note, 1 draft
    expect(rows).to_have_count(10)
    # Open the overdue invoice (away from the party link)
    rows.filter(has_text='Cabinet Lefèvre Architectes').dblclick(
        position={'x': 300, 'y': 12})
    form = page.locator('.form:visible')
    expect(form.locator('input[name="description"]')).to_have_value(
        'Assistance trimestrielle')
    expect(form.locator('select[name="state"], input[name="state"]')
        .first).to_be_visible()
    path = os.path.join(output_dir, 'customer-invoice.png')
    page.screenshot(path=path)
    assert os.path.getsize(path) > 10_000


def test_mentorsig_configuration_in_french(demo_server, page, output_dir):
    login(page, demo_server, 'comptable', 'comptable-demo')
    open_menu(page, 'MentorSiG', 'Configuration')
    page.locator('#menu').get_by_text('Configuration', exact=True).nth(1) \
        .click()
    form = page.locator('.tab-content:visible .form')
    expect(form.get_by_text('Mentions légales')).to_be_visible()
    for page_title in ['Prélèvement SEPA', 'Liens de paiement', 'Marge']:
        expect(form.get_by_text(page_title, exact=True)).to_be_visible()
    expect(form.get_by_text('Indemnité forfaitaire de recouvrement')) \
        .to_be_visible()
    # The accountant also reaches the invoices, in French
    expect(page.locator('#menu').get_by_text('Financier', exact=True)) \
        .to_be_visible()
    page.screenshot(path=os.path.join(output_dir, 'configuration-fr.png'))
