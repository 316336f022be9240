# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Company isolation and access rights through every RPC path.

One database, two companies A and B sharing a customer, a user and an
administrator of each, a user of B in no group.  A's data holds canaries
(unique strings and amounts).  The walker (tests/lib/rpc_walker.py) lists
what our modules define or extend from the pool and tries, as B's users
through the JSON-RPC dispatcher, to read and change A's data by every
path; it prints the counts and the test fails on any leak or change.
"""
import datetime as dt
import logging
import os
import time
from decimal import Decimal

from proteus import Model
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, create_tax, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.transaction import Transaction

from mentorsig_suite import activate_suite
from rpc_client import PASSWORD, Client
from rpc_walker import Walker

CANARY_PRICE = Decimal('1234.57')     # total 1481.48 with 20 % VAT
CANARY_CREDIT = Decimal('77.77')      # credit note of 93.32
CANARIES = [
    'CANARY-A-line', 'CANARYAREF', 'CANARY-A-comment', '1481.48', '93.32',
    'CANARY-A-discount', '13.37', 'CANARY-A-term',
    'CANARY-A-rep', 'canary_a_field', 'CANARY-A-field', 'CANARY-A-mail',
    'CANARY-A-attachment', 'CANARY-A-PDF', 'CANARY-A-method',
    'CANARY-A-template', 'sk_test_CANARYA', 'whsec_CANARYA',
    'CANARY-A-event', 'CANARYA-paypal-client', 'CANARYA-paypal-secret',
    'CANARYA-paypal-webhook',
    ]
SECRETS = {
    'payment_link_stripe_secret_key': 'sk_test_CANARYA',
    'payment_link_stripe_webhook_secret': 'whsec_CANARYA',
    'payment_link_paypal_client_id': 'CANARYA-paypal-client',
    'payment_link_paypal_secret': 'CANARYA-paypal-secret',
    'payment_link_paypal_webhook_id': 'CANARYA-paypal-webhook',
    }


def switch_company(config, company):
    User = Model.get('res.user')
    admin = User(config.user)
    admin.company = company
    admin.save()
    config._context = User.get_preferences(True, {})


def books(company, name, today):
    "Fiscal year, VAT at 20 %, a bank payment method of the company"
    fiscalyear = set_fiscalyear_invoice_sequences(
        create_fiscalyear(company, today=today))
    fiscalyear.click('create_period')
    accounts = get_accounts(company)
    tax = create_tax(Decimal('.20'), company=company)
    tax.save()
    Journal = Model.get('account.journal')
    PaymentMethod = Model.get('account.invoice.payment.method')
    journal, = Journal.find([('type', '=', 'cash')], limit=1)
    method = PaymentMethod(name="Bank %s" % name, journal=journal,
        company=company, credit_account=accounts['cash'],
        debit_account=accounts['cash'])
    method.save()
    return accounts, tax, method


def legal_identity(party, siren, vat):
    party.identifiers.new(type='fr_siren', code=siren)
    party.identifiers.new(type='eu_vat', code=vat)
    party.save()


def invoice(party, accounts, tax, description, price, quantity=1,
        reference=None, comment=None):
    Invoice = Model.get('account.invoice')
    record = Invoice(type='out', party=Model.get('party.party')(party.id),
        reference=reference, comment=comment)
    if quantity < 0:
        # a credit note says what it credits
        record.credit_reason = 'CANARY-A-comment'
    line = record.lines.new()
    line.account = Model.get('account.account')(accounts['revenue'].id)
    line.description = description
    line.quantity = quantity
    line.unit_price = price
    line.taxes.append(Model.get('account.tax')(tax.id))
    record.click('post')
    return record


def keep_email(invoice_id):
    """An invoice emailed: the email kept and its PDF attached, as our
    sending stores them (ir.email has no RPC create)"""
    pool = Pool(DB_NAME)
    with Transaction().start(DB_NAME, 0) as transaction:
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        email, = Email.create([{
                    'recipients': 'client@example.com',
                    'subject': 'CANARY-A-mail', 'body': 'CANARY-A-mail',
                    'resource': 'account.invoice,%d' % invoice_id,
                    }])
        attachment, = Attachment.create([{
                    'name': 'CANARY-A-attachment.pdf',
                    'resource': str(email), 'type': 'data',
                    'data': b'%PDF CANARY-A-PDF',
                    }])
        transaction.commit()
        return email.id, attachment.id


def keep_payment_event(company_id, invoice_id):
    "An online payment event of the company (webhooks make them as root)"
    pool = Pool(DB_NAME)
    with Transaction().start(DB_NAME, 0) as transaction:
        Event = pool.get('mentorsig.payment_link.event')
        event, = Event.create([{
                    'company': company_id, 'provider': 'stripe',
                    'event_id': 'evt_CANARY', 'event_type': 'x',
                    'invoice': invoice_id, 'state': 'review',
                    'message': 'CANARY-A-event', 'amount': Decimal('13.37'),
                    }])
        transaction.commit()
        return event.id


def our_groups():
    "The groups our modules define"
    pool = Pool(DB_NAME)
    with Transaction().start(DB_NAME, 0, readonly=True):
        ModelData = pool.get('ir.model.data')
        return [d.db_id for d in ModelData.search([
                    ('model', '=', 'res.group'),
                    ('module', 'like', 'mentorsig_%'),
                    ])]


def make_user(login, company, groups):
    User = Model.get('res.user')
    Company = Model.get('company.company')
    Group = Model.get('res.group')
    user = User(name=login, login=login, password=PASSWORD)
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    for group in groups:
        user.groups.append(Group(group.id))
    user.save()
    return user


def test_walker(capsys):
    config = activate_suite(create_company, create_chart)
    # The dispatcher logs the traceback of every call that crashes on
    # forged values; the walker counts them among the refusals
    dispatcher_log = logging.getLogger('trytond.protocols.dispatcher')
    level = dispatcher_log.level
    dispatcher_log.setLevel(logging.CRITICAL)
    try:
        _walk(config, capsys)
    finally:
        dispatcher_log.setLevel(level)
        drop_db()


def _walk(config, capsys):
    today = dt.date.today()
    Company = Model.get('company.company')
    Party = Model.get('party.party')
    User = Model.get('res.user')
    Group = Model.get('res.group')
    ModelData = Model.get('ir.model.data')

    company_a = get_company()
    legal_identity(company_a.party, '732829320', 'FR44732829320')
    party_b = Party(name="Société B")
    party_b.save()
    legal_identity(party_b, '552100554', 'FR96552100554')
    company_b = Company(party=party_b, currency=company_a.currency)
    company_b.save()
    admin = User(config.user)
    admin.companies.append(Company(company_b.id))
    admin.save()
    switch_company(config, company_b)
    create_chart(company_b)
    switch_company(config, company_a)

    customer = Party(name="Client commun")  # a customer of both
    mechanism = customer.contact_mechanisms.new(type='email')
    mechanism.value = 'client@example.com'
    mechanism.invoice = True
    customer.save()

    # Company A: its books and data, full of canaries
    accounts_a, tax_a, method_a = books(company_a, 'A', today)
    method_a.name = 'CANARY-A-method'
    method_a.save()
    PaymentTerm = Model.get('account.invoice.payment_term')
    term_a = PaymentTerm(name='CANARY-A-term')
    term_a.lines.new(type='remainder')
    term_a.save()
    invoices_a = [invoice(customer, accounts_a, tax_a, 'CANARY-A-line',
            CANARY_PRICE, reference='CANARYAREF',
            comment='CANARY-A-comment') for _ in range(2)]
    invoice(customer, accounts_a, tax_a, 'CANARY-A-line', CANARY_CREDIT,
        quantity=-1, reference='CANARYAREF')
    # Parties up to the invoices' ids: a forged report action on parties
    # then names ids that exist (the attack of the issue)
    missing = max(i.id for i in invoices_a) - max(
        p.id for p in Party.find([]))
    if missing > 0:
        Party.save([Party(name="Prospect %d" % i) for i in range(missing)])
    Configuration = Model.get('mentorsig.configuration')
    configuration = Configuration(1)
    configuration.early_payment_discount = 'CANARY-A-discount'
    configuration.late_payment_rate = Decimal('13.37')
    configuration.default_payment_term = term_a
    for name, value in SECRETS.items():
        setattr(configuration, name, value)
    configuration.payment_link_stripe = True
    configuration.payment_link_stripe_method = method_a
    configuration.save()
    Employee = Model.get('company.employee')
    rep = Employee(party=Party(name='CANARY-A-rep'), company=company_a)
    rep.party.save()
    rep.save()
    customer = Party(customer.id)
    customer.sales_rep = rep
    customer.email_invoices = True
    customer.save()
    ExtraField = Model.get('mentorsig.extra_field')
    ExtraField(name='canary_a_field', string='CANARY-A-field',
        type_='char', target='account.invoice').save()
    # An invoice emailed: the email kept and its PDF attached
    email, attachment = keep_email(invoices_a[0].id)
    # A's invoices have their payment links (made at posting), and a
    # provider's event held for review
    event_a = keep_payment_event(company_a.id, invoices_a[0].id)
    # A's own email template (the shipped ones are shared)
    IrModel = Model.get('ir.model')
    invoice_model, = IrModel.find([('name', '=', 'account.invoice')])
    EmailTemplate = Model.get('ir.email.template')
    template_a = EmailTemplate(name='CANARY-A-template', model=invoice_model,
        subject='CANARY-A-template ${number}')
    template_a.save()
    assert template_a.company == company_a

    # Company B: one invoice of the same customer
    switch_company(config, company_b)
    accounts_b, tax_b, method_b = books(company_b, 'B', today)
    # the wizards start on them (a credit note cancels one)
    invoices_b = [invoice(customer, accounts_b, tax_b, "Service B",
            Decimal('100')) for _ in range(12)]
    invoice_b = invoices_b[0]
    switch_company(config, company_a)

    def group(module, xml_id):
        return Group(ModelData.get_id(module, xml_id, {}))
    ours = [Group(i) for i in our_groups()]
    host_user = [group('account', 'group_account'),
        group('sale', 'group_sale'),
        group('project_invoice', 'group_project_invoice')]
    host_admin = [group('account', 'group_account_admin')]
    user_groups = host_user + [
        g for g in ours if 'Administration' not in g.name]
    admin_groups = host_user + host_admin + ours
    for company, suffix in [(company_a, 'a'), (company_b, 'b')]:
        make_user('user_' + suffix, company, user_groups)
        make_user('admin_' + suffix, company, admin_groups)
    make_user('nogroup', company_b, [])

    templates = [ModelData.get_id('mentorsig_invoice_email', x, {}) for x in [
            'email_template_invoice', 'email_template_credit_note',
            'email_template_receipt']]

    from trytond.wsgi import app

    def login(name):
        return Client(app, DB_NAME, name)
    admin_a, admin_b = login('admin_a'), login('admin_b')
    user_a = login('user_a')
    attackers = [login('user_b'), admin_b, login('nogroup')]

    # The clients work: A's user reads its invoice, B's its own
    outcome = user_a.call('model.account.invoice.read',
        [invoices_a[0].id], ['description', 'total_amount'])
    assert outcome.ok, outcome.error
    assert '1481.48' in outcome.text
    outcome = attackers[0].call('model.account.invoice.read',
        [invoice_b.id], ['total_amount'])
    assert outcome.ok, outcome.error

    walker = Walker(DB_NAME, company_a.id, admin_a, admin_b, attackers,
        CANARIES, extra_rows={
            'ir.email': [email],
            'ir.attachment': [attachment],
            'ir.email.template': templates,
            },
        # host models that hold our data
        extra_models=['ir.attachment', 'ir.email', 'account.move',
            'account.move.line', 'account.invoice.payment.method'],
        own_records={
            'account.invoice': [i.id for i in invoices_b],
            'party.party': customer.id,
            })
    # The walker finds the victim's records: else it proves nothing
    assert len(walker.foreign_ids('account.invoice')) == 3
    assert walker.foreign_ids('ir.attachment') == [attachment]
    started = time.monotonic()
    ledger = walker.run()
    walked = time.monotonic() - started
    output = os.environ.get('MENTORSIG_TEST_OUTPUT')
    if output:
        with open(os.path.join(output, 'walker.log'), 'w') as log:
            log.write('\n'.join(ledger.lines) + '\n')
    with capsys.disabled():
        print('\n%s; walked in %.0f s' % (ledger.summary(), walked))
        for leak in ledger.leaks:
            print('LEAK', leak)
        for change in ledger.changes:
            print('CHANGE', change)
    # The customers' options: read by everyone, changed by the groups
    user_b, nogroup = attackers[0], attackers[2]
    for client, allowed in [(user_b, True), (nogroup, False)]:
        for name, value in [('sales_rep', None), ('email_invoices', True)]:
            outcome = client.call('model.party.party.write', [customer.id],
                {name: value})
            assert outcome.ok == allowed, (client.login, name, outcome.error)
            outcome = client.call('model.party.party.read', [customer.id],
                [name])
            assert outcome.ok, outcome.error

    # The shared templates: edited by the database administrators only; a
    # company's administrator edits its company's
    outcome = admin_b.call('model.ir.email.template.write', templates[:1],
        {'subject': 'forged'})
    assert not outcome.ok
    outcome = admin_b.call('model.ir.email.template.create', [{
                'name': "B's invoice", 'model': invoice_model.id,
                'subject': "Facture ${number}"}])
    assert outcome.ok, outcome.error
    own_template, = outcome.result
    outcome = admin_b.call('model.ir.email.template.read', [own_template],
        ['company'])
    assert outcome.result[0]['company'] == company_b.id
    outcome = admin_b.call('model.ir.email.template.write', [own_template],
        {'subject': "Votre facture ${number}"})
    assert outcome.ok, outcome.error

    # The payment links' secrets: A's administrator reads them, A's plain
    # user (accounting, MentorSiG accountant) reads none, by any path
    names = sorted(SECRETS)
    outcome = admin_a.call('model.mentorsig.configuration.read', [1], names)
    assert outcome.ok, outcome.error
    assert {n: outcome.result[0][n] for n in names} == SECRETS
    for method, args in [
            ('model.mentorsig.configuration.read', ([1], names)),
            ('model.mentorsig.configuration.read', ([1], names[:1])),
            ('model.mentorsig.configuration.payment_link.secret.search_read',
                ([], 0, None, None, names)),
            ('model.mentorsig.configuration.payment_link.secret.read',
                ([1, 2, 3], names)),
            ('model.mentorsig.configuration.write',
                ([1], {names[0]: 'sk_test_forged'})),
            ('model.mentorsig.configuration.export_data',
                ([1], names)),
            ]:
        outcome = user_a.call(method, *args)
        assert not outcome.ok, (method, outcome.result)
        assert 'CANARYA' not in outcome.text, method
    outcome = user_a.call('model.mentorsig.configuration.read', [1],
        ['payment_link_stripe', 'payment_link_validity'])
    assert outcome.ok, outcome.error
    outcome = user_a.call('model.mentorsig.payment_link.event.read',
        [event_a], ['message'])
    assert outcome.ok and 'CANARY-A-event' in outcome.text

    assert ledger.tried > 300, ledger.summary()
    assert not ledger.leaks and not ledger.changes, ledger.summary()
