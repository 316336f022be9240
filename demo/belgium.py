# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo's second company: a Belgian one, on account_be's chart.

It shows one database serving two companies of two countries, each under
its own rules: no SIREN in Belgium, its VAT number and address instead
(EN 16931), the EU's late-payment directive instead of the French code.
Its user sees nothing of the French company; the administrator switches
between both.
"""
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model, Wizard

COMPANY_NAME = "Atelier Bruxellois SRL"
USER = ('comptable-be', "Lucas Peeters", 'comptable-be-demo', 'fr')
CUSTOMERS = [
    # name, street, postal code, city, VAT number
    ("Brasserie du Sablon SRL", "Rue de Rollebeek 12", '1000', "Bruxelles",
        'BE0812345603'),
    ("Imprimerie Lambert SA", "Quai de la Batte 8", '4000', "Liège",
        'BE0654321022'),
    ("Cabinet Dubois & Janssens", "Avenue Louise 221", '1050', "Ixelles",
        'BE0731234597'),
    ]
# description, quantity, unit price
SERVICES = [
    ("Conception d'un site vitrine", 1, Decimal('2400.00')),
    ("Maintenance mensuelle", 3, Decimal('180.00')),
    ("Atelier de formation (demi-journée)", 2, Decimal('450.00')),
    ]


BELGIAN_SEQUENCES = {
    'out_invoice_sequence': ("Factures BE %s", 'BE%s-'),
    'out_credit_note_sequence': ("Notes de crédit BE %s", 'NC%s-'),
    'in_invoice_sequence': ("Factures fournisseurs BE %s", 'FFBE%s-'),
    'in_credit_note_sequence': (
        "Notes de crédit fournisseurs BE %s", 'NCF%s-'),
    }


def create_belgian_company(eur, belgium, french_company, payment_term,
        today):
    from trytond.modules.company.tests.tools import (
        create_company as host_create_company)
    from .build import _get_lang, create_fiscal_years
    Company = Model.get('company.company')
    Party = Model.get('party.party')
    party = Party(name=COMPANY_NAME, lang=_get_lang('fr'))
    address, = party.addresses
    address.street = "Rue Haute 48"
    address.postal_code = '1000'
    address.city = "Bruxelles"
    address.country = belgium
    party.identifiers.new(type='eu_vat', code='BE0477472701')
    party.contact_mechanisms.new(
        type='email', value='facturation@atelier-bruxellois.example')
    party.save()
    host_create_company(party=party, currency=eur)
    company, = Company.find([('party', '=', party.id)])
    # the records below are made in the Belgian company, as its
    # administrator would after switching to it
    _switch_company(company)
    company.mentorsig_legal_form = 'SRL'
    company.mentorsig_registry = 'RPM Bruxelles'
    company.save()

    _create_chart(company)
    create_fiscal_years(company, today, BELGIAN_SEQUENCES, name="%s (BE)")
    revenue = _account(company, '700')

    Configuration = Model.get('mentorsig.configuration')
    config = Configuration(1)
    config.enabled = True
    config.email_sender = (
        "Atelier Bruxellois SRL <facturation@atelier-bruxellois.example>")
    # Belgian law (2 August 2002) sets its own rate each half-year; the
    # 40 EUR indemnity is the EU directive's
    config.late_payment_rate = Decimal('10.50')
    config.recovery_indemnity = Decimal('40')
    config.early_payment_discount = "Pas d'escompte pour paiement anticipé."
    config.default_payment_term = payment_term
    config.save()
    from .build import EARLY_PAYMENT_DISCOUNT, translate
    translate(config, early_payment_discount=EARLY_PAYMENT_DISCOUNT)

    customers = _create_customers(belgium, payment_term)
    _create_invoices(company, customers, revenue, today)
    _create_user(company)
    # the administrator goes on in the French company
    _switch_company(french_company)
    return company


def _create_chart(company):
    "account_be's French chart, with its customer and supplier accounts"
    AccountTemplate = Model.get('account.account.template')
    ModelData = Model.get('ir.model.data')
    create_chart = Wizard('account.create_chart')
    create_chart.execute('account')
    create_chart.form.account_template = AccountTemplate(
        ModelData.get_id('account_be', 'root_fr', {}))
    create_chart.form.company = company
    create_chart.execute('create_account')
    _refresh()
    create_chart.form.account_receivable = _account(company, '400')
    create_chart.form.account_payable = _account(company, '440')
    # free lines of customer invoices (no product) take the revenue one
    create_chart.form.category_account_revenue = _account(company, '700')
    create_chart.form.category_account_expense = _account(company, '600')
    create_chart.execute('create_properties')


def _account(company, code):
    Account = Model.get('account.account')
    account, = Account.find([
            ('company', '=', company.id), ('code', '=', code)], limit=1)
    return account


def _create_customers(belgium, payment_term):
    from .build import _get_lang
    Party = Model.get('party.party')
    customers = []
    for name, street, postal_code, city, vat_number in CUSTOMERS:
        party = Party(name=name, lang=_get_lang('fr'))
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
        address.city = city
        address.country = belgium
        party.identifiers.new(type='eu_vat', code=vat_number)
        slug = ''.join(c for c in name.split()[0].lower() if c.isalpha())
        party.contact_mechanisms.new(
            type='email', value='comptabilite@%s.example' % slug)
        party.customer_payment_term = payment_term
        party.save()
        customers.append(party)
    return customers


def _create_invoices(company, customers, revenue, today):
    "Free-line invoices at 21 % VAT: two posted, one draft"
    Invoice = Model.get('account.invoice')
    Tax = Model.get('account.tax')
    ModelData = Model.get('ir.model.data')
    template = ModelData.get_id('account_be', 'tva_vente_services_21_fr', {})
    vat, = Tax.find([
            ('company', '=', company.id), ('template', '=', template)])
    days = relativedelta(days=1)
    for index, (customer, age) in enumerate(
            [(customers[0], 20), (customers[1], 8), (customers[2], None)]):
        invoice = Invoice(type='out', party=customer, company=company)
        if age is not None:
            invoice.invoice_date = today - age * days
        description, quantity, unit_price = SERVICES[index]
        line = invoice.lines.new()
        line.description = description
        line.account = revenue
        line.quantity = quantity
        line.unit_price = unit_price
        line.taxes.append(Tax(vat.id))
        invoice.save()
        if age is not None:
            invoice.click('post')


def _create_user(company):
    from .build import _get_lang
    User = Model.get('res.user')
    Group = Model.get('res.group')
    login, name, password, lang = USER
    user = User(login=login, name=name, password=password)
    user.language = _get_lang(lang)
    user.companies.append(type(company)(company.id))
    user.company = type(company)(company.id)
    user.groups.extend(Group.find([('name', 'in', [
                    "Accounting", "MentorSiG Accountant", "Sales"])]))
    user.save()


def _switch_company(company):
    "The administrator's current company"
    from proteus.config import get_config
    User = Model.get('res.user')
    admin = User(get_config().user)
    # the host's company set-up gives a new company to users without any
    if company not in admin.companies:
        admin.companies.append(type(company)(company.id))
    admin.company = type(company)(company.id)
    admin.save()
    get_config()._context = User.get_preferences(True, {})
    _refresh()


def _refresh():
    """Start the next calls from what is committed: in the process that
    activated the modules, on SQLite, a search after a company switch or a
    wizard's commit was answered from an older state (no account of the
    new company); a transaction of its own reading the user's companies
    puts the next ones right"""
    from proteus.config import get_config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(get_config().database_name, 1):
        Pool().get('res.user').get_companies()
