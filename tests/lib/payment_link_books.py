# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The books of the payment links' route tests (tests/payment_links):
a company's year, VAT and provider method, posted invoices, the links the
*Payment Link* button makes, their routes behind a public address."""
import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import urllib.parse
from decimal import Decimal

from proteus import Model, Wizard
from werkzeug.test import Client

import trytond.config as config
from trytond.pool import Pool
from trytond.transaction import Transaction

from trytond.modules.account.tests.tools import (
    create_fiscalyear, create_tax, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)
from trytond.tests.test_tryton import DB_NAME

BASE = 'https://pay.example.com'


def switch_company(proteus, company):
    User = Model.get('res.user')
    admin = User(proteus.user)
    admin.company = company
    admin.save()
    proteus._context = User.get_preferences(True, {})


def books(company, secret, name):
    "A year, 20 % VAT, a Stripe method and the company's Stripe keys"
    fiscalyear = set_fiscalyear_invoice_sequences(
        create_fiscalyear(company))
    fiscalyear.click('create_period')
    accounts = get_accounts(company)
    tax = create_tax(Decimal('.20'), company=company)
    tax.save()
    party = company.party
    Journal = Model.get('account.journal')
    Method = Model.get('account.invoice.payment.method')
    journal, = Journal.find([('type', '=', 'cash')], limit=1)
    method = Method(name="Stripe %s" % name, journal=journal,
        company=company, credit_account=accounts['cash'],
        debit_account=accounts['cash'])
    method.save()
    Configuration = Model.get('mentorsig.configuration')
    configuration = Configuration(1)
    configuration.enabled = True
    configuration.payment_link_stripe = True
    configuration.payment_link_stripe_secret_key = 'sk_test_%s' % name
    configuration.payment_link_stripe_webhook_secret = secret
    configuration.payment_link_stripe_method = method
    configuration.payment_link_base_url = BASE
    configuration.save()
    return party, accounts, tax


def post_invoice(customer, accounts, tax, price):
    Invoice = Model.get('account.invoice')
    invoice = Invoice(type='out', party=customer)
    line = invoice.lines.new()
    line.account = Model.get('account.account')(accounts['revenue'].id)
    line.description = "Conseil"
    line.quantity = 1
    line.unit_price = price
    line.taxes.append(Model.get('account.tax')(tax.id))
    invoice.click('post')
    return invoice


def make_link(invoice):
    "The Payment Link button: the address, shown once"
    wizard = Wizard('mentorsig.payment_link.make', [invoice])
    url = wizard.form.url
    wizard.execute('end')
    return url


def path(url):
    "The route of a link, whatever the public address (a reverse proxy)"
    assert url.startswith(BASE + '/' + urllib.parse.quote(DB_NAME) + '/')
    return url[len(BASE):]


def reload(invoice):
    invoice.reload()
    return invoice


@contextlib.contextmanager
def shared_database():
    """A database name that threads can share, its pool ready: the suite's
    own on PostgreSQL; on SQLite, whose test database is one thread's
    memory, a copy of it on file (each transaction its own connection
    there, as in a served database)"""
    from trytond import backend
    if backend.name != 'sqlite':
        with Transaction().start(DB_NAME, 0, readonly=True):
            Pool(DB_NAME).init()
        yield DB_NAME
        return
    folder = tempfile.mkdtemp()
    name = 'concurrent'
    memory = backend.Database(DB_NAME).connect()
    target = sqlite3.connect(os.path.join(folder, name + '.sqlite'))
    memory._conn.backup(target)
    target.close()
    had_path = config._config.has_option('database', 'path')
    old_path = config.get('database', 'path')
    config.set('database', 'path', folder)
    config._cache_clear()
    try:
        with Transaction().start(name, 0, readonly=True):
            Pool(name).init()
        yield name
    finally:
        if had_path:
            config.set('database', 'path', old_path)
        else:
            config._config.remove_option('database', 'path')
        config._cache_clear()
        Pool.stop(name)
        shutil.rmtree(folder, ignore_errors=True)


def at_once(app, calls, timeout=120):
    """The responses of calls (each a function of a werkzeug Client),
    made by one thread each, released together, in the order of calls"""
    barrier = threading.Barrier(len(calls))
    responses = [None] * len(calls)

    def deliver(index, call):
        http = Client(app)
        barrier.wait()
        responses[index] = call(http)
    threads = [threading.Thread(target=deliver, args=(i, c))
        for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return responses
