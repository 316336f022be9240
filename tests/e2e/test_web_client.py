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


def test_customer_invoices_listed(demo_server, page, output_dir):
    login(page, demo_server)
    open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
    rows = page.locator('.tab-content:visible table.treeview tbody tr')
    # The list opens on the "Draft" or "Validated" tab; "All" lists every
    # demo invoice
    page.get_by_role('tab', name='All').click()
    expect(rows.filter(has_text='Hôtel Les Tilleuls')).to_have_count(1)
    expect(rows.filter(has_text='Pharmacie du Vieux-Port')).to_have_count(1)
    assert rows.count() >= 9
    rows.filter(has_text='Cabinet Lefèvre Architectes').first.dblclick()
    form = page.locator('.tab-content:visible .form')
    expect(form.get_by_text('Assistance trimestrielle').first).to_be_visible()
    page.screenshot(path=os.path.join(output_dir, 'customer-invoice.png'))
    assert os.path.getsize(os.path.join(output_dir, 'customer-invoice.png'))


def test_mentorsig_configuration_in_french(demo_server, page, output_dir):
    login(page, demo_server, 'comptable', 'comptable-demo')
    open_menu(page, 'MentorSiG', 'Configuration')
    page.locator('#menu').get_by_text('Configuration', exact=True).nth(1) \
        .click()
    form = page.locator('.tab-content:visible .form')
    expect(form.get_by_text('Mentions légales')).to_be_visible()
    expect(form.get_by_text('Prélèvement SEPA')).to_be_visible()
    page.screenshot(path=os.path.join(output_dir, 'configuration-fr.png'))
