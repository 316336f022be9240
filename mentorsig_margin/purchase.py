# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Best supplier price, from the host's supplier price lists (`purchase`).

The host's `get_purchase_price` takes the first supplier by sequence, not
the cheapest, and its prices have no validity: the prices get a start and an
end date (respected by the host's purchase price too, through `match`), and
the margin compares every supplier of the product for the company.
"""
from decimal import Decimal

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .cost_rules import SupplierPrice


class ProductSupplierPrice(metaclass=PoolMeta):
    __name__ = 'purchase.product_supplier.price'

    start_date = fields.Date(
        "Start Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')),
                ()),
            ],
        help="The first day the price applies.\n"
        "Leave empty for no limit.")
    end_date = fields.Date(
        "End Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ()),
            ],
        help="The last day the price applies.\n"
        "Leave empty for no limit.")

    def valid_on(self, date):
        return ((not self.start_date or self.start_date <= date)
            and (not self.end_date or date <= self.end_date))

    def match(self, quantity, unit, pattern):
        pool = Pool()
        Date = pool.get('ir.date')
        date = Transaction().context.get('purchase_date') or Date.today()
        return self.valid_on(date) and super().match(quantity, unit, pattern)


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    def _get_margin_supplier_prices(self, unit, date):
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        company = Company(Transaction().context['company'])
        unit = unit or self.default_uom
        prices = super()._get_margin_supplier_prices(unit, date)
        for product_supplier in self.product_suppliers_used():
            if (product_supplier.company
                    and product_supplier.company != company):
                continue
            supplier_unit = product_supplier.unit or self.default_uom
            if supplier_unit.category != unit.category:
                continue
            with Transaction().set_context(date=date):
                rate = Currency.compute(
                    product_supplier.currency, Decimal(1), company.currency,
                    round=False)
            for price in product_supplier.prices:
                prices.append(SupplierPrice(
                        supplier=product_supplier.party.id,
                        minimum_quantity=Decimal(str(price.quantity)),
                        unit_price=price.unit_price,
                        sale_factor=Decimal(str(unit.factor)),
                        supplier_factor=Decimal(str(supplier_unit.factor)),
                        rate=rate,
                        start_date=price.start_date,
                        end_date=price.end_date))
        return prices
