# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fill an activated database with the demo business, through proteus.

Everything goes through the public API a user or an integrator would use
(wizards, buttons), so the demo is also a smoke test of the modules.
"""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model, Wizard

from .belgium import create_belgian_company
from .identifiers import make_french_iban, make_siren, make_vat
from .margin import create_suppliers, grant_margin
from .recurring import create_recurring_invoices

COMPANY_NAME = "MentorSiG Démo SAS"
CREDITOR_IDENTIFIER = 'FR72ZZZ123456'
USERS = [
    # login, name, password, language
    ('comptable', "Claire Comptable", 'comptable-demo', 'fr'),
    ]
SALES_USER = ('vendeur', "Victor Vendeur", 'vendeur-demo', 'fr')

CUSTOMERS = [
    # name, street, postal code, city, SIREN base, bank code, language
    ("Boulangerie Martin SARL", "12 rue de la République", '69002', "Lyon",
        41235987, 30004, 'fr'),
    ("Garage Dupont et Fils", "4 avenue Jean Jaurès", '31000', "Toulouse",
        52349871, 30003, 'fr'),
    ("Cabinet Lefèvre Architectes", "27 quai des Chartrons", '33000',
        "Bordeaux", 63458712, 10278, 'fr'),
    ("Pharmacie du Vieux-Port", "3 quai du Port", '13002', "Marseille",
        74567123, 30004, 'fr'),
    ("Atelier Bernard Menuiserie", "18 rue des Tanneurs", '67000',
        "Strasbourg", 85671234, 10207, 'fr'),
    ("Hôtel Les Tilleuls", "9 place du Marché", '74000', "Annecy",
        96782345, 30003, 'fr'),
    ("Librairie Moreau", "45 rue Nationale", '59000', "Lille",
        37893456, 20041, 'fr'),
    ("Clinique Vétérinaire Rousseau", "2 allée des Pins", '44000', "Nantes",
        48904567, 30004, 'fr'),
    ("Transports Girard SAS", "ZI des Chesnes, 7 rue du Ruisseau",
        '38070', "Saint-Quentin-Fallavier", 59015678, 10278, 'fr'),
    ("Riverside Consulting Ltd (Paris branch)", "88 boulevard Haussmann",
        '75008', "Paris", 61126789, 30003, 'en'),
    ]

PRODUCTS = [
    # name, type, unit, list price, cost price, tax key
    ("Audit comptable (jour)", 'service', 'day', '850.00', '420.00',
        'services_20'),
    ("Formation Tryton (demi-journée)", 'service', 'hour', '95.00', '45.00',
        'services_20'),
    ("Assistance mensuelle", 'service', 'unit', '290.00', '110.00',
        'services_20'),
    ("Maintenance des locaux", 'service', 'hour', '48.00', '30.00',
        'services_10'),
    ("Travaux de rénovation énergétique", 'service', 'hour', '55.00',
        '33.00', 'services_5_5'),
    ("Livre « Comptabilité pratique »", 'goods', 'unit', '32.00', '18.50',
        'biens_5_5'),
    ("Repas d'affaires", 'goods', 'unit', '24.00', '11.00', 'biens_10'),
    ("Clavier ergonomique", 'goods', 'unit', '79.00', '41.00', 'biens_20'),
    ("Écran 27 pouces", 'goods', 'unit', '289.00', '198.00', 'biens_20'),
    ("Licence logicielle annuelle", 'service', 'unit', '480.00', '120.00',
        'services_20'),
    ]


LIST_PRICES = {}


def _get_uom(name):
    Uom = Model.get('product.uom')
    names = {'unit': "Unit", 'hour': "Hour", 'day': "Day"}
    uom, = Uom.find([('name', '=', names[name])], limit=1)
    return uom


def create_currency_and_countries():
    Currency = Model.get('currency.currency')
    CurrencyRate = Model.get('currency.currency.rate')
    Country = Model.get('country.country')
    currencies = Currency.find([('code', '=', 'EUR')])
    if currencies:
        eur, = currencies
    else:
        eur = Currency(
            name="Euro", code='EUR', numeric_code='978', symbol='€',
            rounding=Decimal('0.01'), digits=2)
        eur.save()
        CurrencyRate(
            date=dt.date(2000, 1, 1), rate=Decimal('1'), currency=eur).save()
    countries = {}
    for code, name in [('FR', "France"), ('BE', "Belgium"),
            ('DE', "Germany")]:
        found = Country.find([('code', '=', code)])
        if found:
            countries[code], = found
        else:
            countries[code] = Country(name=name, code=code)
            countries[code].save()
    return eur, countries


def create_company(eur, france):
    from trytond.modules.company.tests.tools import (
        create_company as host_create_company)
    Party = Model.get('party.party')
    party = Party(name=COMPANY_NAME, lang=_get_lang('fr'))
    address, = party.addresses
    address.street = "15 rue des Invalides"
    address.postal_code = '75007'
    address.city = "Paris"
    address.country = france
    siren = make_siren(81234567)
    party.identifiers.new(type='fr_siren', code=siren)
    party.identifiers.new(type='eu_vat', code=make_vat(siren))
    party.identifiers.new(type='eu_at_02', code=CREDITOR_IDENTIFIER)
    party.contact_mechanisms.new(type='email', value='compta@mentorsig.example')
    party.contact_mechanisms.new(type='phone', value='+33 1 44 55 66 77')
    party.save()
    host_create_company(party=party, currency=eur)
    from trytond.modules.company.tests.tools import get_company
    from mentorsig_invoicing.document.samples import sample_logo
    company = get_company()
    # Printed at the top of every invoice
    company.logo = sample_logo()
    company.mentorsig_legal_form = 'SAS'
    company.mentorsig_share_capital = Decimal('10000')
    company.mentorsig_registry = 'RCS Paris'
    # A mid-size company: e-invoices since the reform's first date, its
    # free-text lines are services
    company.mentorsig_einvoicing_date = dt.date(2026, 9, 1)
    company.mentorsig_operation_category = 'services'
    company.save()
    return company


def set_french_date_format():
    """The host's French writes dates 01.12.2026 (Swiss usage): France
    writes 01/12/2026, as the documents print them"""
    Lang = Model.get('ir.lang')
    french = _get_lang('fr')
    french.date = '%d/%m/%Y'
    french.save()


def _get_lang(code):
    Lang = Model.get('ir.lang')
    lang, = Lang.find([('code', '=', code)])
    return lang


# Customers who pay by SEPA direct debit (index in CUSTOMERS, scheme); their
# open invoices due are ready for "Prepare Direct Debits"
DIRECT_DEBIT_CUSTOMERS = [(2, 'B2B'), (5, 'CORE'), (8, 'CORE'), (9, 'CORE')]


def create_bank_account(company):
    Bank = Model.get('bank')
    Party = Model.get('party.party')
    BankAccount = Model.get('bank.account')
    bank_party = Party(name="Banque Démo Populaire")
    bank_party.save()
    bank = Bank(party=bank_party, bic='CCBPFRPPXXX')
    bank.save()
    account = BankAccount(bank=bank)
    account.owners.append(Party(company.party.id))
    account.numbers.new(
        type='iban', number=make_french_iban(10207, 11, 98765432101))
    account.save()
    return account


def _strict_sequence(name, prefix, company):
    Sequence = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')
    sequence_type, = SequenceType.find([('name', '=', "Invoice")], limit=1)
    sequence = Sequence(name=name, sequence_type=sequence_type,
        company=company, prefix=prefix, padding=5)
    sequence.save()
    return sequence


# One gapless series per year and per kind: (name, prefix) by sequence
FRENCH_SEQUENCES = {
    'out_invoice_sequence': ("Factures %s", 'FA%s-'),
    'out_credit_note_sequence': ("Avoirs %s", 'AV%s-'),
    'in_invoice_sequence': ("Factures fournisseurs %s", 'FF%s-'),
    'in_credit_note_sequence': ("Avoirs fournisseurs %s", 'AF%s-'),
    }


def create_fiscal_years(company, today, sequences, name="%s"):
    """Last year and this year, each with its periods and the strict
    invoice sequences given as (name, prefix) formats of the year"""
    from trytond.modules.account.tests.tools import create_fiscalyear
    for year in (today.year - 1, today.year):
        fiscalyear = create_fiscalyear(
            company, today=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        fiscalyear.name = name % year
        invoice_sequences, = fiscalyear.invoice_sequences
        for field, (sequence_name, prefix) in sequences.items():
            setattr(invoice_sequences, field, _strict_sequence(
                    sequence_name % year, prefix % year, company))
        fiscalyear.save()
        fiscalyear.click('create_period')


def create_accounting(company, today):
    from trytond.modules.account.tests.tools import (
        create_chart, get_accounts)
    create_chart(company, chart='account_fr.root')
    create_fiscal_years(company, today, FRENCH_SEQUENCES)
    accounts = get_accounts(company)
    Account = Model.get('account.account')
    for key, code in [('services', '706'), ('goods', '7071'),
            ('bank', '5121')]:
        found = Account.find([
                ('company', '=', company.id), ('code', '=', code)], limit=1)
        accounts[key], = found
    # Free lines of customer invoices (no product) take this account
    AccountConfiguration = Model.get('account.configuration')
    account_configuration = AccountConfiguration(1)
    account_configuration.default_category_account_revenue = (
        accounts['services'])
    account_configuration.default_category_account_expense = (
        accounts['expense'])
    account_configuration.save()
    return accounts


def get_taxes(company):
    "Sale taxes by key; 20 % and 10 % are the dated parents of account_fr"
    Tax = Model.get('account.tax')
    ModelData = Model.get('ir.model.data')
    templates = {
        'services_20': 'services_taux_normal',
        'services_10': 'services_taux_intermediaire',
        'services_5_5': 'services_5_5',
        'biens_20': 'biens_taux_normal',
        'biens_10': 'biens_taux_intermediaire',
        'biens_5_5': 'biens_5_5',
        }
    taxes = {}
    for key, template in templates.items():
        template_id = ModelData.get_id(
            'account_fr', 'tva_vente_%s' % template, {})
        taxes[key], = Tax.find([
                ('company', '=', company.id),
                ('template', '=', template_id)])
    return taxes


def set_free_line_taxes(accounts, taxes):
    """A line without product takes the taxes of its account (the host's
    rule): the default revenue account of free lines bears the normal
    rate, so that a line typed by hand gets VAT at 20 %"""
    Account = Model.get('account.account')
    account = Account(accounts['services'].id)
    account.taxes.append(type(taxes['services_20'])(taxes['services_20'].id))
    account.save()


def translate(record, **values):
    """Set translatable texts in each language, {field: {code: text}}: the
    documents print them in the customer's (French or English)"""
    from proteus.config import get_config
    # the database's language (English) first: changing its text later
    # would mark the other translations fuzzy, and they would not print
    for code in ('en', 'fr'):
        with get_config().set_context(language=code):
            translated = type(record)(record.id)
            for name, texts in values.items():
                setattr(translated, name, texts[code])
            translated.save()


def create_payment_terms():
    PaymentTerm = Model.get('account.invoice.payment_term')
    terms = {}
    term = PaymentTerm(name="30 jours")
    term.lines.new(type='remainder', relativedeltas=[])
    delta = term.lines[0].relativedeltas.new()
    delta.days = 30
    term.save()
    translate(term, name={'fr': "30 jours", 'en': "30 days"})
    terms['30'] = term
    term = PaymentTerm(name="À réception")
    term.lines.new(type='remainder')
    term.save()
    translate(term, name={'fr': "À réception", 'en': "Upon receipt"})
    terms['now'] = term
    return terms


# The early-payment discount terms printed on invoices, by language
EARLY_PAYMENT_DISCOUNT = {
    'fr': "Pas d'escompte pour paiement anticipé.",
    'en': "No discount for early payment.",
    }


def configure_mentorsig(company, payment_term):
    Configuration = Model.get('mentorsig.configuration')
    config = Configuration(1)
    config.enabled = True
    config.email_sender = "MentorSiG Démo SAS <factures@mentorsig.example>"
    config.late_payment_rate = Decimal('12.15')
    config.recovery_indemnity = Decimal('40')
    config.early_payment_discount = "Pas d'escompte pour paiement anticipé."
    config.default_payment_term = payment_term
    config.payment_link_validity = 60
    # make run serves here; behind a reverse proxy, its public address
    config.payment_link_base_url = 'http://127.0.0.1:8000'
    config.margin_cost_strategy = 'cost_price'
    config.save()
    translate(config, early_payment_discount=EARLY_PAYMENT_DISCOUNT)


def create_customers(france, payment_term):
    Party = Model.get('party.party')
    customers = []
    for name, street, postal_code, city, siren_base, _, lang in CUSTOMERS:
        party = Party(name=name, lang=_get_lang(lang))
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
        address.city = city
        address.country = france
        siren = make_siren(siren_base)
        party.identifiers.new(type='fr_siren', code=siren)
        party.identifiers.new(type='eu_vat', code=make_vat(siren))
        slug = ''.join(c for c in name.split()[0].lower() if c.isalpha())
        party.contact_mechanisms.new(
            type='email', value='factures@%s.example' % slug)
        party.customer_payment_term = payment_term
        party.save()
        customers.append(party)
    return customers


def customer_iban(index):
    bank_code = CUSTOMERS[index][5]
    return make_french_iban(bank_code, 100 + index, 10000000 + index)


def create_customer_bank_accounts(customers):
    Bank = Model.get('bank')
    BankAccount = Model.get('bank.account')
    Party = Model.get('party.party')
    bank_party = Party(name="Banque des Clients Démo")
    bank_party.save()
    bank = Bank(party=bank_party, bic='AGRIFRPPXXX')
    bank.save()
    for index, customer in enumerate(customers):
        account = BankAccount(bank=bank)
        account.owners.append(Party(customer.id))
        account.numbers.new(type='iban', number=customer_iban(index))
        account.save()


def create_products(accounts, taxes):
    "Products with an accounting category per kind and VAT rate"
    ProductCategory = Model.get('product.category')
    ProductTemplate = Model.get('product.template')
    categories = {}
    labels = {'service': "Prestations", 'goods': "Marchandises"}
    revenue = {'service': 'services', 'goods': 'goods'}
    products = []
    for name, kind, unit, list_price, cost_price, tax_key in PRODUCTS:
        if (kind, tax_key) not in categories:
            tax = taxes[tax_key]
            category = ProductCategory(
                name="%s - %s" % (labels[kind], tax.name), accounting=True)
            category.account_revenue = accounts[revenue[kind]]
            category.account_expense = accounts['expense']
            category.customer_taxes.append(tax)
            category.save()
            categories[kind, tax_key] = category
        template = ProductTemplate(name=name)
        template.type = kind
        template.default_uom = _get_uom(unit)
        template.list_price = Decimal(list_price)
        template.salable = True
        template.account_category = categories[kind, tax_key]
        template.save()
        product, = template.products
        product.cost_price = Decimal(cost_price)
        product.save()
        LIST_PRICES[product.id] = Decimal(list_price)
        products.append(product)
    return products


def _new_invoice(customer, invoice_date, lines, description=None):
    Invoice = Model.get('account.invoice')
    invoice = Invoice(type='out', party=customer)
    invoice.invoice_date = invoice_date
    invoice.description = description
    for product, quantity in lines:
        line = invoice.lines.new()
        line.product = product
        line.quantity = quantity
        # account_invoice leaves the price to the user (sale sets it)
        line.unit_price = LIST_PRICES[product.id]
    invoice.save()
    return invoice


def _pay(invoice, amount, date, payment_method):
    pay = invoice.click('pay')
    pay.form.amount = amount
    pay.form.payment_method = payment_method
    pay.form.date = date
    pay.execute('choice')
    if pay.state != 'end':
        pay.form.type = 'partial'
        pay.execute('pay')


def create_payment_method(accounts):
    Journal = Model.get('account.journal')
    PaymentMethod = Model.get('account.invoice.payment.method')
    # Transfers go through the bank's journal, not the cash box's
    bank_journal = Journal(name="Banque", code='BQ', type='cash')
    bank_journal.save()
    method = PaymentMethod(name="Virement bancaire")
    method.journal = bank_journal
    method.credit_account = accounts['bank']
    method.debit_account = accounts['bank']
    method.save()
    return method


# Test credentials only: Stripe's key is a placeholder (the page shows
# "provider not available" until a real sk_test_ key is typed in), its
# webhook secret signs the demo's webhooks (README), and Paybox's are the
# public test account of its documentation
DEMO_STRIPE_KEY = 'sk_test_mentorsig_demo'
DEMO_STRIPE_WEBHOOK_SECRET = 'whsec_mentorsig_demo'
PAYBOX_TEST = {'site': '1999888', 'rank': '32', 'identifier': '107904482',
    'hmac_key': '0123456789ABCDEF' * 8}


def configure_payment_links(company, accounts):
    "Stripe and Paybox in test mode, each booked on its own journal"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    Account = Model.get('account.account')
    Journal = Model.get('account.journal')
    PaymentMethod = Model.get('account.invoice.payment.method')
    # a card receipts account of the French chart (a leaf of 511), as
    # the payment method's domain asks
    cards = Account.find([('company', '=', company.id),
            ('code', 'like', '511_%'), ('type', '!=', None),
            ('closed', '!=', True)],
        order=[('code', 'DESC')], limit=1) or [accounts['bank']]
    methods = {}
    for name, code in [("Stripe", 'STR'), ("Paybox", 'PBX')]:
        journal = Journal(name=name, code=code, type='cash')
        journal.save()
        method = PaymentMethod(name="Carte bancaire (%s)" % name,
            journal=journal, credit_account=cards[0],
            debit_account=cards[0])
        method.save()
        methods[name] = method
    Configuration = Model.get('mentorsig.configuration')
    config = Configuration(1)
    config.payment_link_stripe = True
    config.payment_link_stripe_secret_key = DEMO_STRIPE_KEY
    config.payment_link_stripe_webhook_secret = DEMO_STRIPE_WEBHOOK_SECRET
    config.payment_link_stripe_method = methods["Stripe"]
    config.payment_link_paybox = True
    config.payment_link_paybox_mode = 'test'
    config.payment_link_paybox_site = PAYBOX_TEST['site']
    config.payment_link_paybox_rank = PAYBOX_TEST['rank']
    config.payment_link_paybox_identifier = PAYBOX_TEST['identifier']
    config.payment_link_paybox_hmac_key = PAYBOX_TEST['hmac_key']
    # a key of the demo's own: paste Paybox's public key in production
    config.payment_link_paybox_public_key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    config.payment_link_paybox_method = methods["Paybox"]
    config.save()


def create_invoices(customers, products, payment_method, today):
    "Customer invoices in every state a user meets"
    Invoice = Model.get('account.invoice')
    days = relativedelta(days=1)
    p = products
    # key, customer, age in days, lines, description
    specs = [
        ('overdue', 2, 75, [(p[2], 3)], "Assistance trimestrielle"),
        ('partly_paid', 3, 40, [(p[8], 2), (p[6], 10)],
            "Équipement du comptoir"),
        ('other_1', 9, 47, [(p[0], 3)], "Audit des comptes annuels"),
        ('other_2', 8, 38, [(p[2], 1), (p[3], 10)], None),
        ('paid', 4, 30, [(p[4], 16), (p[3], 6)], "Isolation de l'atelier"),
        ('other_3', 6, 29, [(p[5], 20)], None),
        ('other_4', 5, 20, [(p[9], 1), (p[1], 4)], None),
        ('posted', 1, 5, [(p[0], 2), (p[7], 4)], "Audit de clôture"),
        ]
    invoices = {}
    # Posting follows the invoice dates: the numbering is chronological
    for key, customer, age, lines, description in sorted(
            specs, key=lambda spec: -spec[2]):
        invoice = _new_invoice(
            customers[customer], today - age * days, lines, description)
        invoice.click('post')
        invoices[key] = invoice
    invoices['draft'] = _new_invoice(customers[0], None,
        [(p[1], 7), (p[5], 3)], "Formation et ouvrages")

    _pay(invoices['partly_paid'], Decimal('300.00'), today - 10 * days,
        payment_method)
    paid = invoices['paid']
    paid.reload()
    _pay(paid, paid.total_amount, today - 3 * days, payment_method)

    # A credit note for part of the paid invoice's first line
    credit = Wizard('account.invoice.credit', [paid])
    credit.form.with_refund = False
    credit.form.credit_scope = 'lines'
    credit.form.credit_reason = "Remise commerciale sur travaux"
    credit.form.credit_lines[0].quantity = 2
    credit.execute('credit')
    credit_note, = Invoice.find([
            ('type', '=', 'out'), ('party', '=', customers[4].id),
            ('state', '=', 'draft')])
    credit_note.invoice_date = today
    credit_note.description = "Avoir : remise commerciale sur travaux"
    credit_note.save()
    credit_note.click('post')
    invoices['credit_note'] = credit_note
    return invoices


def create_credit_in_use(customers, products, payment_method, today,
        invoices):
    """Available credit at work: the credit note partly pays a new invoice
    of its customer, and a customer's transfer above what was due is kept
    as credit"""
    days = relativedelta(days=1)
    invoice = _new_invoice(customers[4], today,
        [(products[3], 1)], "Maintenance de l'atelier")
    invoice.click('post')
    apply = invoice.click('mentorsig_apply_credit')
    apply.execute('apply')
    invoices['credit_applied'] = invoice
    # the customer rounded its transfer up
    overpaid = invoices['other_3']
    overpaid.reload()
    pay = overpaid.click('pay')
    pay.form.amount = overpaid.amount_to_pay + Decimal('50.00')
    pay.form.payment_method = payment_method
    pay.form.date = today - 1 * days
    pay.execute('choice')
    pay.form.type = 'overpayment'
    pay.execute('pay')


def create_sales(customers, products, payment_term):
    Sale = Model.get('sale.sale')
    sales = []
    for customer, lines, state in [
            (customers[6], [(products[1], 8), (products[9], 2)], 'quotation'),
            (customers[7], [(products[0], 2), (products[2], 12)],
                'confirmed'),
            (customers[0], [(products[4], 40)], 'draft'),
            ]:
        sale = Sale(party=customer)
        sale.payment_term = payment_term
        sale.invoice_method = 'manual'
        for product, quantity in lines:
            line = sale.lines.new()
            line.product = product
            line.quantity = quantity
        sale.save()
        if state in {'quotation', 'confirmed'}:
            sale.click('quote')
        if state == 'confirmed':
            sale.click('confirm')
        sales.append(sale)
    return sales


def create_sale_deposit(sale, today):
    "A 30 % deposit invoice of a confirmed order, posted"
    invoice_wizard = Wizard('mentorsig.sale.invoice', [sale])
    invoice_wizard.form.method = 'deposit'
    invoice_wizard.form.deposit_kind = 'percentage'
    invoice_wizard.form.deposit_percentage = Decimal('0.30')
    invoice_wizard.execute('invoice')
    deposit, = invoice_wizard.actions[0]
    deposit.invoice_date = today
    deposit.click('post')
    return deposit


# Customers' bank accounts come with MentorSiG Accountant (mentorsig_sepa),
# not with the host's Bank Administration (issue 12 item 7)
ACCOUNTANT_GROUPS = [
    "Accounting", "Accounting Administration", "Sales",
    "MentorSiG Administration", "MentorSiG Accountant", "MentorSiG Sales",
    "Payment", "Project Invoice"]
# A salesperson of the host's Sales group: invoices contracts and orders,
# never posts (issue 20 item 1)
SALES_GROUPS = ["Sales", "MentorSiG Sales"]


def create_users(company):
    for login, name, password, lang in USERS:
        create_user(company, login, name, password, lang, ACCOUNTANT_GROUPS)
    create_user(company, *SALES_USER, SALES_GROUPS)


def create_user(company, login, name, password, lang, group_names):
    User = Model.get('res.user')
    Group = Model.get('res.group')
    groups = Group.find([('name', 'in', group_names)])
    # a misspelt group would leave the demo user without its rights
    assert sorted(g.name for g in groups) == sorted(group_names), (
        set(group_names) - {g.name for g in groups})
    user = User(login=login, name=name, password=password)
    user.language = _get_lang(lang)
    user.companies.append(type(company)(company.id))
    user.company = type(company)(company.id)
    user.groups.extend(groups)
    user.save()


def mark_configuration_done():
    "The module configuration wizard would otherwise open at first login"
    Item = Model.get('ir.module.config_wizard.item')
    for item in Item.find([('state', '!=', 'done')]):
        item.state = 'done'
        item.save()


def create_extra_fields(draft_invoice):
    "The extra fields of issue 4 on invoices, filled on the draft invoice"
    ExtraField = Model.get('mentorsig.extra_field')
    chantier = ExtraField(name='chantier', string="Chantier",
        target='account.invoice', type_='selection', sequence=10,
        selection="lyon: Lyon\nparis: Paris\nmarseille: Marseille",
        print_on_documents=True,
        help="La ville du chantier facturé.")
    chantier.save()
    bon = ExtraField(name='bon_commande_client',
        string="Bon de commande client", target='account.invoice',
        type_='char', sequence=20, print_on_documents=True,
        help="La référence du bon de commande du client.")
    bon.save()
    draft_invoice.reload()
    draft_invoice.extra_fields = {
        'chantier': 'lyon', 'bon_commande_client': "BC-2026-042"}
    draft_invoice.save()


def create_contracts_and_interventions(company, customers, products, today):
    """A maintenance contract with its period of this month due, and a
    finished intervention with its timesheet lines, both not invoiced yet:
    the user clicks "Invoice" on them"""
    RuleSet = Model.get('sale.subscription.recurrence.rule.set')
    Service = Model.get('sale.subscription.service')
    Subscription = Model.get('sale.subscription')
    monthly = RuleSet(name="Mensuel")
    rule, = monthly.rules
    rule.freq = 'monthly'
    rule.interval = 1
    monthly.save()
    service = Service(product=products[2], consumption_recurrence=monthly)
    service.save()

    def running_contract(party, start_date, description):
        contract = Subscription(party=party, start_date=start_date,
            invoice_recurrence=monthly, description=description)
        contract.post_invoices = True
        line = contract.lines.new()
        line.service = service
        line.quantity = 1
        contract.click('quote')
        contract.click('run')
        return contract
    month_start = today.replace(day=1)
    contract = running_contract(
        customers[5], month_start, "Assistance mensuelle")
    # Signed two months back and never invoiced: "Invoice" catches up on
    # one invoice dated today, one line per month with its period
    running_contract(customers[4], month_start - relativedelta(months=2),
        "Maintenance du site web")

    Party = Model.get('party.party')
    Employee = Model.get('company.employee')
    Work = Model.get('project.work')
    Timesheet = Model.get('timesheet.line')
    technician = Employee(party=Party(name="Luc Technicien"),
        company=type(company)(company.id))
    technician.party.save()
    technician.save()
    intervention = Work(name="Rénovation du chauffage", type='project',
        party=customers[1], project_invoice_method='timesheet',
        product=products[4], timesheet_available=True)
    intervention.children.new(name="Diagnostic", type='task',
        product=products[4], timesheet_available=True)
    intervention.save()
    task, = intervention.children
    for work, hours, age in [
            (task, 3, 2), (intervention, 5, 1), (intervention, 2, 0)]:
        timesheet = Timesheet(employee=technician,
            date=today - relativedelta(days=age),
            duration=dt.timedelta(hours=hours))
        timesheet.work, = work.timesheet_works
        timesheet.save()
    task.progress = 1
    task.save()
    intervention.progress = 1
    intervention.save()
    return contract, intervention


def create_reject_fee(products):
    "The service invoiced when the bank rejects or returns a direct debit"
    ProductTemplate = Model.get('product.template')
    template = ProductTemplate(name="Frais de rejet de prélèvement")
    template.type = 'service'
    template.default_uom = _get_uom('unit')
    template.list_price = Decimal('15.00')
    template.salable = True
    # the category of the services at 20 % VAT
    template.account_category = products[0].template.account_category
    template.save()
    product, = template.products
    return product


def create_direct_debits(company, bank_account, customers, products,
        today):
    """The bank profile (the host's SEPA payment journal, pain.008.001.08,
    a reject fee of 15 EUR) and signed mandates of four customers, one of
    them B2B; the creditor identifier is the company party's
    (create_company)"""
    Account = Model.get('account.account')
    Journal = Model.get('account.journal')
    PaymentJournal = Model.get('account.payment.journal')
    Sequence = Model.get('ir.sequence')
    SequenceType = Model.get('ir.sequence.type')
    AccountConfiguration = Model.get('account.configuration')
    Mandate = Model.get('account.payment.sepa.mandate')
    Party = Model.get('party.party')
    clearing, = Account.find([
            ('company', '=', company.id), ('code', '=', '5113')])
    clearing.reconcile = True
    clearing.save()
    bank_journal, = Journal.find([('type', '=', 'cash')], limit=1)
    profile = PaymentJournal(name="Banque Démo Populaire - prélèvements",
        process_method='sepa')
    profile.sepa_bank_account_number, = bank_account.numbers
    profile.sepa_receivable_flavor = 'pain.008.001.08'
    profile.sepa_payable_flavor = 'pain.001.001.03'
    profile.clearing_account = clearing
    profile.clearing_journal = bank_journal
    profile.sepa_reject_fee_product = create_reject_fee(products)
    profile.save()
    mandate_type, = SequenceType.find([('name', '=', "SEPA Mandate")])
    sequence = Sequence(name="Mandats SEPA", sequence_type=mandate_type,
        company=company, prefix='RUM-%s-' % today.year, padding=5)
    sequence.save()
    account_configuration = AccountConfiguration(1)
    account_configuration.sepa_mandate_sequence = sequence
    account_configuration.save()
    for index, scheme in DIRECT_DEBIT_CUSTOMERS:
        party = Party(customers[index].id)
        mandate = Mandate(party=party, scheme=scheme)
        mandate.account_number, = party.bank_accounts[0].numbers
        mandate.address, = party.addresses
        mandate.click('request')
        mandate.signature_date = today - relativedelta(months=3)
        mandate.click('validate_mandate')
        party.reload()
        reception = party.reception_direct_debits.new(journal=profile)
        reception.sepa_mandate = mandate
        party.save()
    return profile


def build(today=None):
    if today is None:
        today = dt.date.today()
    set_french_date_format()
    eur, countries = create_currency_and_countries()
    company = create_company(eur, countries['FR'])
    bank_account = create_bank_account(company)
    accounts = create_accounting(company, today)
    taxes = get_taxes(company)
    terms = create_payment_terms()
    configure_mentorsig(company, terms['30'])
    customers = create_customers(countries['FR'], terms['30'])
    create_customer_bank_accounts(customers)
    products = create_products(accounts, taxes)
    # after the product categories: the host copies an account's taxes
    # into a category given that account
    set_free_line_taxes(accounts, taxes)
    create_suppliers(eur, products)
    payment_method = create_payment_method(accounts)
    configure_payment_links(company, accounts)
    sales = create_sales(customers, products, terms['30'])
    invoices = create_invoices(customers, products, payment_method, today)
    invoices['deposit'] = create_sale_deposit(sales[1], today)
    create_credit_in_use(customers, products, payment_method, today, invoices)
    create_extra_fields(invoices['draft'])
    create_contracts_and_interventions(company, customers, products, today)
    create_recurring_invoices(customers, products, today)
    create_direct_debits(
        company, bank_account, customers, products, today)
    create_users(company)
    grant_margin([login for login, *_ in USERS + [SALES_USER]])
    create_belgian_company(eur, countries['BE'], company, terms['30'], today)
    mark_configuration_done()
    return company, invoices
