# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The books the benches post into (bench/): the company's French
identifiers, which our legal mentions require, a fiscal year with its
invoice sequences and periods, and a 20 % VAT; and the transaction the
benches run their work in."""
from decimal import Decimal


def open_books():
    """Set the company (MentorSiG enabled where activated) and its year up;
    return (company, accounts, tax)"""
    from proteus import Model
    from trytond.modules.account.tests.tools import (
        create_fiscalyear, create_tax, get_accounts)
    from trytond.modules.account_invoice.tests.tools import (
        set_fiscalyear_invoice_sequences)

    Company = Model.get('company.company')
    company, = Company.find()
    party = company.party
    party.name = "Démo SAS"
    party.identifiers.new(type='fr_siren', code='732829320')
    party.identifiers.new(type='eu_vat', code='FR44732829320')
    party.save()
    # our modules measured as a company that enabled them (the host's own
    # databases of the benches have no MentorSiG configuration)
    IrModel = Model.get('ir.model')
    if IrModel.find([('name', '=', 'mentorsig.configuration')]):
        mentorsig = Model.get('mentorsig.configuration')(1)
        mentorsig.enabled = True
        mentorsig.save()
    fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear())
    fiscalyear.click('create_period')
    tax = create_tax(Decimal('.20'))
    tax.save()
    return company, get_accounts(), tax


def consulting_draft(customer, accounts, tax, date, description=None):
    """A draft customer invoice of the date: one consulting line of 2 x
    150.00 at the tax"""
    from proteus import Model
    invoice = Model.get('account.invoice')(type='out', party=customer,
        invoice_date=date, description=description)
    line = invoice.lines.new()
    line.account = accounts['revenue']
    line.description = "Conseil"
    line.quantity = 2
    line.unit_price = Decimal('150.00')
    line.taxes.append(Model.get('account.tax')(tax.id))
    invoice.save()
    return invoice


def create_products(accounts, tax, count):
    """count services ("Produit 0"...) priced 10, 20... in one accounting
    category on the revenue account, at the tax"""
    from proteus import Model
    Category = Model.get('product.category')
    category = Category(name="Bench", accounting=True)
    category.account_revenue = accounts['revenue']
    category.customer_taxes.append(tax)
    category.save()
    Uom = Model.get('product.uom')
    unit, = Uom.find([('name', '=', 'Unit')])
    Template = Model.get('product.template')
    for i in range(count):
        template = Template(name=f"Produit {i}", type='service',
            default_uom=unit, account_category=category,
            list_price=Decimal(10 * (i + 1)))
        template.save()


def in_transaction(config, function, extras=None):
    """Run function in a committed transaction, following trytond's lock
    protocol (restart with the locks a TransactionError asks for)

    `extras` keeps the locks learnt for the next calls.
    """
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction, TransactionError
    if extras is None:
        extras = {}
    while True:
        with Transaction().start(DB_NAME, config.user,
                context=config.context, **extras) as transaction:
            try:
                result = function()
            except TransactionError as exception:
                transaction.rollback()
                exception.fix(extras)
                continue
            transaction.commit()
            return result
