# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The arithmetic of margins, without ORM.

Every amount is a Decimal. A cost of None means "unknown": the margin of a
line whose cost is unknown is unknown too, never 100 %.

Units and currencies come in as plain ratios worked out by the caller from
the host's units (`product.uom` factors) and rates (`currency.currency`):

- `sale_factor` and `supplier_factor`: the factors of the sale unit and of
  the supplier's unit to the reference unit of their category (`product.uom`
  factor: a unit 1, a box of 12 12), kept apart so that 120 units reach a
  break of 10 boxes exactly (120 x 1 >= 10 x 12), where a ratio of 1/12 in
  floating point falls short;
- `rate`: how many company-currency units one supplier-currency unit buys.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional

STRATEGIES = ('cost_price', 'average_cost', 'best_supplier_price')


def as_decimal(quantity):
    "A quantity (Tryton keeps them as floats) as the Decimal it reads as"
    if isinstance(quantity, Decimal):
        return quantity
    return Decimal(str(quantity or 0))


def resolve_strategy(product_strategy, category_strategies, company_strategy):
    "The strategy of the product, else of its first category, else company's"
    if product_strategy:
        return product_strategy
    for strategy in category_strategies:
        if strategy:
            return strategy
    return company_strategy


@dataclass(frozen=True)
class SupplierPrice:
    "One quantity break of a supplier's price list"
    supplier: object
    minimum_quantity: Decimal  # in the supplier's unit
    unit_price: Decimal  # per supplier unit, in the supplier's currency
    sale_factor: Decimal
    supplier_factor: Decimal
    rate: Decimal  # company currency for one supplier currency
    start_date: Optional[datetime.date] = None
    end_date: Optional[datetime.date] = None

    def valid_on(self, date):
        return ((self.start_date is None or self.start_date <= date)
            and (self.end_date is None or date <= self.end_date))

    def applies(self, quantity, date):
        "Whether the break applies to quantity sale units on date"
        return (self.valid_on(date)
            and self.minimum_quantity * self.supplier_factor
            <= abs(as_decimal(quantity)) * self.sale_factor)

    @property
    def sale_unit_price(self):
        "The price of one sale unit in the company currency"
        return (self.unit_price * self.sale_factor * self.rate
            / self.supplier_factor)


def supplier_price(prices: Iterable[SupplierPrice], quantity, date):
    """The price of one supplier for quantity sale units on date: its highest
    break reached, None if no break applies"""
    applicable = [p for p in prices if p.applies(quantity, date)]
    if not applicable:
        return None
    best_break = max(p.minimum_quantity for p in applicable)
    # Two prices on the same break: the supplier sells at the lower one
    return min(
        p.sale_unit_price for p in applicable
        if p.minimum_quantity == best_break)


def best_supplier_price(prices: Iterable[SupplierPrice], quantity, date):
    """The lowest price among the suppliers for quantity sale units on date,
    in the company currency per sale unit; None when no supplier has one"""
    by_supplier = {}
    for price in prices:
        by_supplier.setdefault(price.supplier, []).append(price)
    candidates = [
        supplier_price(p, quantity, date) for p in by_supplier.values()]
    candidates = [c for c in candidates if c is not None]
    return min(candidates) if candidates else None


def weighted_average_cost(purchases):
    """The average of (quantity, unit price) purchases weighted by quantity;
    returns (negative quantities) count against the purchases. None when
    nothing is left bought"""
    quantity = sum((as_decimal(q) for q, _ in purchases), Decimal(0))
    if quantity <= 0:
        return None
    amount = sum((as_decimal(q) * p for q, p in purchases), Decimal(0))
    return amount / quantity


@dataclass(frozen=True)
class Margin:
    "The margin figures of an amount sold against its cost"
    amount: Decimal
    cost: Optional[Decimal]

    @property
    def known(self):
        return self.cost is not None

    @property
    def margin(self):
        if self.cost is None:
            return None
        return self.amount - self.cost

    @property
    def rate(self):
        "The margin on the sale price"
        if self.cost is None or not self.amount:
            return None
        return self.margin / self.amount

    @property
    def markup(self):
        "The margin on the cost"
        if self.cost is None or not self.cost:
            return None
        return self.margin / self.cost


def line_cost(quantity, unit_cost, digits=2):
    "The total cost of quantity at unit_cost rounded to digits, None unknown"
    if unit_cost is None:
        return None
    exp = Decimal(1).scaleb(-digits)
    return (as_decimal(quantity) * unit_cost).quantize(exp)


def total_margin(lines):
    """The margin of (amount, cost) lines together: the amount of the lines
    whose cost is unknown stays out of the margin and of its rate"""
    known = [(a, c) for a, c in lines if c is not None]
    if not known:
        return Margin(Decimal(0), None)
    return Margin(
        sum((a for a, _ in known), Decimal(0)),
        sum((c for _, c in known), Decimal(0)))


def rounded_rate(value, digits=4):
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-digits))
