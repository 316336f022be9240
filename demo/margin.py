# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo's suppliers and costs, so that margins show on its documents.

Every demo product has a cost price (the company's strategy); the keyboard
and the screen are costed at their best supplier price: a French supplier
with a quantity break and an American one in US dollars.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

USD_RATE = Decimal('1.08')  # dollars for one euro
SUPPLIERS = [
    # name, currency, {product name: [(minimum quantity, unit price)]}
    ("Bureautique Pro SARL", 'EUR', {
            "Clavier ergonomique": [(0, '39.00'), (10, '34.00')],
            "Écran 27 pouces": [(0, '205.00')],
            }),
    ("Pacific Peripherals Inc.", 'USD', {
            "Clavier ergonomique": [(0, '40.00')],
            "Écran 27 pouces": [(0, '199.00')],
            }),
    ]


def _usd():
    Currency = Model.get('currency.currency')
    CurrencyRate = Model.get('currency.currency.rate')
    found = Currency.find([('code', '=', 'USD')])
    if found:
        usd, = found
    else:
        usd = Currency(name="US Dollar", code='USD', numeric_code='840',
            symbol='$', rounding=Decimal('0.01'), digits=2)
        usd.save()
    if not usd.rates:
        CurrencyRate(
            date=dt.date(2000, 1, 1), rate=USD_RATE, currency=usd).save()
    return usd


def create_suppliers(eur, products):
    "Suppliers with prices for the keyboard and the screen"
    Party = Model.get('party.party')
    ProductSupplier = Model.get('purchase.product_supplier')
    currencies = {'EUR': eur, 'USD': _usd()}
    by_name = {p.template.name: p for p in products}
    for name, currency, prices in SUPPLIERS:
        party = Party(name=name)
        party.save()
        for product_name, breaks in prices.items():
            template = by_name[product_name].template
            if not template.purchasable:
                template.purchasable = True
                template.margin_cost_strategy = 'best_supplier_price'
                template.save()
            supplier = ProductSupplier(template=template, party=party)
            supplier.currency = currencies[currency]
            for quantity, unit_price in breaks:
                supplier.prices.new(
                    quantity=quantity, unit_price=Decimal(unit_price))
            supplier.save()


def grant_margin(logins):
    "The demo's accountant and salesperson see costs and margins"
    Group = Model.get('res.group')
    User = Model.get('res.user')
    margin, = Group.find([('name', '=', "Margin")])
    for user in User.find([('login', 'in', logins)]):
        user.groups.append(Group(margin.id))
        user.save()
