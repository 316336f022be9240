# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The margin arithmetic, without database."""
import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mentorsig_margin import cost_rules as rules
from mentorsig_margin.cost_rules import Margin, SupplierPrice

D = Decimal
TODAY = datetime.date(2026, 12, 1)

prices = st.decimals(
    min_value=D('0.01'), max_value=D('10000'), places=2)
quantities = st.decimals(min_value=D('0'), max_value=D('1000'), places=2)


def price(supplier, unit_price, minimum=0, per=1, rate=1, **dates):
    "A price of a supplier's unit of per sale units"
    return SupplierPrice(
        supplier, D(minimum), D(unit_price), D(1), D(per), D(rate), **dates)


def test_box_of_twelve_in_dollars_costs_per_unit_in_euros():
    # 24 USD a box of 12, 1 USD = 0.80 EUR: 2 USD a unit, 1.60 EUR
    box = price('us', '24', per=12, rate='0.80')
    assert rules.best_supplier_price([box], 1, TODAY) == D('1.6')


def test_quantity_break_reached_in_supplier_units():
    # 10 boxes of 12 and more at 20 USD: the break is 120 units sold
    prices = [
        price('us', '24', per=12),
        price('us', '20', minimum=10, per=12),
        ]
    per_unit = rules.best_supplier_price(prices, 119.99, TODAY)
    assert per_unit == D(24) / 12
    assert rules.best_supplier_price(prices, 120, TODAY) == D(20) / 12
    # a credit note's negative quantity reaches the same break
    assert rules.best_supplier_price(prices, -120, TODAY) == D(20) / 12


def test_lowest_supplier_wins():
    prices = [price('a', '10'), price('b', '9.50'), price('c', '11')]
    assert rules.best_supplier_price(prices, 1, TODAY) == D('9.50')


def test_validity_dates_respected():
    prices = [
        price('a', '8', end_date=datetime.date(2026, 11, 30)),
        price('b', '12', start_date=datetime.date(2026, 12, 2)),
        price('c', '10', start_date=datetime.date(2026, 12, 1),
            end_date=datetime.date(2026, 12, 1)),
        ]
    assert rules.best_supplier_price(prices, 1, TODAY) == D('10')
    assert rules.best_supplier_price(
        prices, 1, datetime.date(2026, 11, 1)) == D('8')
    assert rules.best_supplier_price(
        prices, 1, datetime.date(2027, 1, 1)) == D('12')


def test_no_price_is_unknown():
    assert rules.best_supplier_price([], 1, TODAY) is None
    assert rules.best_supplier_price(
        [price('a', '5', minimum=10)], 1, TODAY) is None


@given(st.lists(st.tuples(st.sampled_from('abc'), prices, quantities),
        min_size=1), quantities)
def test_best_price_is_the_minimum_of_each_suppliers_price(offers, quantity):
    supplier_prices = [price(s, p, minimum=m) for s, p, m in offers]
    best = rules.best_supplier_price(supplier_prices, quantity, TODAY)
    per_supplier = [
        rules.supplier_price(
            [p for p in supplier_prices if p.supplier == s], quantity, TODAY)
        for s in 'abc']
    known = [p for p in per_supplier if p is not None]
    assert best == (min(known) if known else None)
    # a supplier's price is the one of its highest break reached
    for supplier in 'abc':
        reached = [
            (m, p) for s, p, m in offers if s == supplier and m <= quantity]
        got = rules.supplier_price(
            [p for p in supplier_prices if p.supplier == supplier],
            quantity, TODAY)
        if reached:
            top = max(m for m, _ in reached)
            assert got == min(p for m, p in reached if m == top)
        else:
            assert got is None


@given(prices, st.integers(min_value=1, max_value=144),
    st.decimals(min_value=D('0.1'), max_value=D('10'), places=4))
def test_unit_and_currency_conversion_keep_the_amount(
        unit_price, per_box, rate):
    box = price('a', unit_price, per=per_box, rate=rate)
    per_unit = rules.best_supplier_price([box], 1, TODAY)
    # a whole box bought unit by unit costs the box, converted
    assert abs(per_unit * per_box - unit_price * rate) < D('1e-20')
    # the break of one box is reached by per_box units, not one less
    assert box.applies(per_box, TODAY)
    assert not SupplierPrice('a', D(1), unit_price, D(1), D(per_box), rate
        ).applies(per_box - 1, TODAY)


def test_average_after_three_purchases():
    purchases = [(10, D('5')), (20, D('6')), (10, D('9'))]
    assert rules.weighted_average_cost(purchases) == D('6.5')


def test_average_with_a_return_and_nothing_bought():
    assert rules.weighted_average_cost([(10, D('5')), (-5, D('5'))]) == D(5)
    assert rules.weighted_average_cost([]) is None
    assert rules.weighted_average_cost([(5, D(1)), (-5, D(1))]) is None


@given(st.lists(st.tuples(st.integers(1, 1000), prices), min_size=1))
def test_average_lies_between_the_prices(purchases):
    average = rules.weighted_average_cost(purchases)
    assert min(p for _, p in purchases) <= average
    assert average <= max(p for _, p in purchases)


def test_margin_rate_and_markup():
    margin = Margin(D('100'), D('60'))
    assert margin.margin == D('40')
    assert margin.rate == D('0.4')
    assert rules.rounded_rate(margin.markup) == D('0.6667')


def test_unknown_cost_is_never_full_margin():
    margin = Margin(D('100'), None)
    assert not margin.known
    assert margin.margin is None
    assert margin.rate is None
    assert margin.markup is None
    assert rules.line_cost(3, None) is None


def test_free_cost_has_a_rate_but_no_markup():
    margin = Margin(D('100'), D(0))
    assert margin.rate == D(1)
    assert margin.markup is None


def test_credit_note_subtracts_its_margin():
    invoice = (D('100'), rules.line_cost(2, D('30')))
    credit = (D('-50'), rules.line_cost(-1, D('30')))
    total = rules.total_margin([invoice, credit])
    assert total.margin == D('40') - D('20')
    assert total.rate == D('0.4')


@given(st.lists(st.tuples(
            st.decimals(min_value=-1000, max_value=1000, places=2),
            st.one_of(st.none(),
                st.decimals(min_value=0, max_value=1000, places=2)))))
def test_total_margin_is_the_sum_of_the_known_lines(lines):
    total = rules.total_margin(lines)
    known = [(a, c) for a, c in lines if c is not None]
    if not known:
        assert total.margin is None
    else:
        assert total.margin == sum(a - c for a, c in known)


def test_strategy_from_product_then_category_then_company():
    assert rules.resolve_strategy(
        'average_cost', ['cost_price'], 'best_supplier_price') \
        == 'average_cost'
    assert rules.resolve_strategy(None, [None, 'cost_price'], 'x') \
        == 'cost_price'
    assert rules.resolve_strategy(None, [], 'best_supplier_price') \
        == 'best_supplier_price'


def test_float_quantities_as_tryton_keeps_them():
    prices = [price('a', '10'), price('a', '8', minimum='0.3')]
    assert rules.best_supplier_price(prices, 0.3, TODAY) == D('8')
    assert rules.line_cost(0.1, D('3')) == D('0.30')
    assert rules.weighted_average_cost([(0.1, D(1)), (0.2, D(4))]) == D(3)
