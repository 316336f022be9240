# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cost a product is sold at, as the margin reads it.

The strategy comes from the product, else from its first category that sets
one, else from the company (MentorSiG configuration):

- *cost price*: the host's `cost_price`, whatever its `cost_price_method`;
- *weighted average cost*: the host's `cost_price` when the product's own
  `cost_price_method` is already *average* (the host keeps that average from
  the stock moves: one source of truth, nothing recomputed beside it);
  otherwise the average of the posted supplier invoice lines of the product
  up to the date, since the host has no average for a fixed-cost product;
- *best supplier price*: the lowest price of the product's suppliers
  (`purchase`, see purchase.py), none without the `purchase` module.

The host's cost price is 0 until someone costs the product: a cost of 0 is
read as unknown, so that such a product shows no margin instead of 100 %.
"""
from decimal import Decimal

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from . import cost_rules
from .configuration import COST_STRATEGIES
from .line import copy_hidden

STRATEGY_OVERRIDES = [(None, "")] + COST_STRATEGIES


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    margin_cost_strategy = fields.Selection(
        STRATEGY_OVERRIDES, "Margin Cost",
        help="The cost the margins of the products of the category are "
        "computed from.\n"
        "Leave empty to use the company's.")


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    margin_cost_strategy = fields.Selection(
        STRATEGY_OVERRIDES, "Margin Cost",
        help="The cost the margins of the product are computed from.\n"
        "Leave empty to use the category's or the company's.")


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def copy(cls, products, default=None):
        # The host's cost prices are read and written by the Margin group
        # only (product.xml): a product manager without it duplicates the
        # product with its costs all the same
        def write_back(products, copies):
            for product, product_copy in zip(products, copies):
                # each company's cost, on the value the copy was made with
                for cost in product.cost_prices:
                    product_copy.set_multivalue(
                        'cost_price', cost.cost_price,
                        company=cost.company.id if cost.company else None)
        return copy_hidden(
            cls, products, default, super().copy,
            ['cost_price', 'cost_prices'], write_back)

    def margin_cost_strategy_used(self):
        "The strategy for the company of the context"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = Transaction().context.get('company')
        categories = sorted(self.template.categories, key=lambda c: c.id)
        return cost_rules.resolve_strategy(
            self.template.margin_cost_strategy,
            [c.margin_cost_strategy for c in categories],
            Configuration(1).get_multivalue(
                'margin_cost_strategy', company=company))

    def get_margin_cost(self, quantity, unit, date):
        """The cost of one unit of the product when quantity units are sold
        on date, in the currency of the company of the context; None when
        unknown"""
        pool = Pool()
        Uom = pool.get('product.uom')
        strategy = self.margin_cost_strategy_used()
        if strategy == 'best_supplier_price':
            return cost_rules.best_supplier_price(
                self._get_margin_supplier_prices(unit, date), quantity, date)
        if (strategy == 'average_cost'
                and self.cost_price_method != 'average'):
            cost = cost_rules.weighted_average_cost(
                self._get_margin_purchases(date))
        else:
            cost = self.cost_price or None
        if cost is not None and unit and unit != self.default_uom:
            cost = Uom.compute_price(self.default_uom, cost, unit)
        return cost

    def _get_margin_supplier_prices(self, unit, date):
        "The SupplierPrice breaks of the product, per unit sold"
        return []

    def _get_margin_purchases(self, date):
        """(quantity, unit price) of the product bought up to date, in its
        default unit and the company currency"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        Line = pool.get('account.invoice.line')
        Uom = pool.get('product.uom')
        company = Company(Transaction().context['company'])
        lines = Line.search([
                ('product', '=', self.id),
                ('type', '=', 'line'),
                ('invoice.type', '=', 'in'),
                ('invoice.company', '=', company.id),
                ('invoice.state', 'in', ['posted', 'paid']),
                ('invoice.invoice_date', '<=', date),
                ])
        purchases = []
        for line in lines:
            quantity = Decimal(str(Uom.compute_qty(
                line.unit, line.quantity, self.default_uom, round=False)))
            if not quantity:
                continue
            amount = line.amount
            with Transaction().set_context(date=line.invoice.invoice_date):
                amount = Currency.compute(
                    line.invoice.currency, amount, company.currency,
                    round=False)
            purchases.append((quantity, amount / quantity))
        return purchases
