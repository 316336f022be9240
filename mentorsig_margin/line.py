# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cost and margin of a customer line, shared by invoice and sale lines.

The unit cost is stored, in the currency and unit of the line. A cost taken
from the product follows the product while its document is a draft (it is
recomputed when the product, quantity or unit of the line changes, when the
invoice is posted, and by *Recompute Margin Costs*) and never changes once
the document has left the draft state.
"""
from trytond.model import fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import cost_rules

COST_SOURCES = [
    ('product', "From the Product"),
    ('manual', "Entered by Hand"),
    ('credited', "From the Credited Line"),
    ]
RATE_DIGITS = (16, 4)
# What changes the cost a product gives to its line; a unit cost written on
# a line that follows its product is taken from the product again
COST_INPUTS = {'product', 'quantity', 'unit', 'cost_source', 'unit_cost'}


def copy_hidden(cls, records, default, copy, names, write_back=None):
    """Copy records for a user who may not write the fields names (costs
    outside the Margin group): the copy is made without them, then the
    server writes their values, by write_back(records, copies) or as they
    are on the originals.

    The host's copy creates its records with every field of the originals,
    so that a user without the field's access could not duplicate them at
    all."""
    pool = Pool()
    FieldAccess = pool.get('ir.model.field.access')
    transaction = Transaction()
    default = dict(default or {})
    names = [n for n in names if n not in default]
    if (not transaction.user or not transaction.check_access or not names
            or FieldAccess.check(
                cls.__name__, names, 'write', raise_exception=False)):
        return copy(records, default=default)
    defaults = cls.default_get(names, with_rec_name=False)
    for name in names:
        # the host's copy leaves out a value equal to the default
        default[name] = defaults.get(name)
    copies = copy(records, default=default)
    with without_check_access():
        if write_back:
            write_back(records, copies)
        else:
            to_write = []
            for record, record_copy in zip(records, copies):
                values = {n: getattr(getattr(record, n), 'id',
                        getattr(record, n)) for n in names}
                to_write.extend(([record_copy], values))
            if to_write:
                cls.write(*to_write)
    return copies


class MarginLineMixin:
    __slots__ = ()

    cost_source = fields.Selection(
        COST_SOURCES, "Cost From", required=True,
        states={
            'invisible': Eval('type') != 'line',
            'readonly': ~Eval('margin_editable', True),
            },
        help="Where the unit cost of the margin comes from.")
    unit_cost = Monetary(
        "Unit Cost", currency='currency', digits=price_digits,
        states={
            'invisible': Eval('type') != 'line',
            'readonly': ((Eval('cost_source') != 'manual')
                | ~Eval('margin_editable', True)),
            },
        help="What one unit sold costs the company.\n"
        "Empty when unknown: the margin is then unknown too.")
    cost = fields.Function(Monetary(
            "Cost", currency='currency', digits='currency',
            states={
                'invisible': Eval('type') != 'line',
                }),
        'on_change_with_cost')
    margin = fields.Function(Monetary(
            "Margin", currency='currency', digits='currency',
            states={
                'invisible': Eval('type') != 'line',
                }),
        'on_change_with_margin')
    margin_rate = fields.Function(fields.Numeric(
            "Margin Rate", digits=RATE_DIGITS,
            states={
                'invisible': Eval('type') != 'line',
                },
            help="The margin on the sale price."),
        'on_change_with_margin_rate')
    markup_rate = fields.Function(fields.Numeric(
            "Markup Rate", digits=RATE_DIGITS,
            states={
                'invisible': Eval('type') != 'line',
                },
            help="The margin on the cost."),
        'on_change_with_markup_rate')
    margin_editable = fields.Function(
        fields.Boolean("Margin Editable"), 'on_change_with_margin_editable')

    @classmethod
    def default_cost_source(cls):
        return 'product'

    def _margin_values(self):
        """(company, currency, date, whether the line is sold, whether its
        document is still a draft)"""
        raise NotImplementedError

    @fields.depends(methods=['_margin_values'])
    def on_change_with_margin_editable(self, name=None):
        return self._margin_values()[4]

    def compute_unit_cost(self):
        "The unit cost the product gives the line now, None when unknown"
        pool = Pool()
        Currency = pool.get('currency.currency')
        Date = pool.get('ir.date')
        company, currency, date, sold, _ = self._margin_values()
        if (not sold or getattr(self, 'type', 'line') != 'line'
                or not self.product or not company):
            return None
        with Transaction().set_context(company=company.id):
            date = date or Date.today()
            cost = self.product.get_margin_cost(
                self.quantity or 0, self.unit, date)
        if cost is None:
            return None
        if currency and currency != company.currency:
            with Transaction().set_context(date=date):
                cost = Currency.compute(
                    company.currency, cost, currency, round=False)
        return round_price(cost)

    @fields.depends(
        'product', 'quantity', 'unit', 'cost_source', 'unit_cost', 'type',
        methods=['_margin_values'])
    def on_change_with_unit_cost(self):
        if self.cost_source == 'product' and self._margin_values()[4]:
            return self.compute_unit_cost()
        return self.unit_cost

    def _margin(self):
        return cost_rules.Margin(self.amount or 0, self.cost)

    @fields.depends('quantity', 'unit_cost', 'currency', 'type')
    def on_change_with_cost(self, name=None):
        if getattr(self, 'type', 'line') != 'line':
            return None
        digits = self.currency.digits if self.currency else 2
        return cost_rules.line_cost(self.quantity, self.unit_cost, digits)

    @fields.depends(methods=['on_change_with_cost', 'on_change_with_amount'])
    def on_change_with_margin(self, name=None):
        self.cost = self.on_change_with_cost()
        self.amount = self.on_change_with_amount()
        return self._margin().margin

    @fields.depends(methods=['on_change_with_margin'])
    def on_change_with_margin_rate(self, name=None):
        self.on_change_with_margin()
        return cost_rules.rounded_rate(self._margin().rate)

    @fields.depends(methods=['on_change_with_margin'])
    def on_change_with_markup_rate(self, name=None):
        self.on_change_with_margin()
        return cost_rules.rounded_rate(self._margin().markup)

    @classmethod
    def set_unit_costs(cls, lines):
        "Take again the cost of the product on draft lines that follow it"
        to_write = []
        for line in lines:
            if line.cost_source != 'product' or not line._margin_values()[4]:
                continue
            unit_cost = line.compute_unit_cost()
            if unit_cost != line.unit_cost:
                to_write.extend(([line], {'unit_cost': unit_cost}))
        if to_write:
            # Computed by the server for users who may not read costs
            with without_check_access(), Transaction().set_context(
                    _margin_unit_costs_set=True):
                cls.write(*to_write)

    @classmethod
    def create(cls, vlist):
        lines = super().create(vlist)
        cls.set_unit_costs(lines)
        return lines

    @classmethod
    def copy(cls, lines, default=None):
        return copy_hidden(
            cls, lines, default, super().copy, ['cost_source', 'unit_cost'])

    @classmethod
    def write(cls, *args):
        super().write(*args)
        if Transaction().context.get('_margin_unit_costs_set'):
            return
        actions = iter(args)
        changed = []
        for lines, values in zip(actions, actions):
            if COST_INPUTS & values.keys():
                changed.extend(lines)
        if changed:
            cls.set_unit_costs(cls.browse(changed))


class MarginDocumentMixin:
    "Cost and margin totals of a document from its lines"
    __slots__ = ()

    cost = fields.Function(Monetary(
            "Cost", currency='currency', digits='currency',
            help="The cost of the lines whose cost is known."),
        'get_margin_totals')
    margin = fields.Function(Monetary(
            "Margin", currency='currency', digits='currency',
            help="The margin of the lines whose cost is known."),
        'get_margin_totals')
    margin_rate = fields.Function(fields.Numeric(
            "Margin Rate", digits=RATE_DIGITS,
            help="The margin on the sale price of the lines whose cost is "
            "known."),
        'get_margin_totals')

    @classmethod
    def get_margin_totals(cls, documents, names):
        result = {n: {} for n in names}
        for document in documents:
            total = cost_rules.total_margin(
                (line.amount, line.cost) for line in document.lines
                if getattr(line, 'type', 'line') == 'line')
            values = {
                'cost': total.cost,
                'margin': total.margin,
                'margin_rate': cost_rules.rounded_rate(total.rate),
                }
            for name in names:
                result[name][document.id] = values[name]
        return result
