# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta

COST_STRATEGIES = [
    ('cost_price', "Product Cost Price"),
    ('average_cost', "Weighted Average Cost"),
    ('best_supplier_price', "Best Supplier Price"),
    ]

margin_cost_strategy = fields.Selection(
    COST_STRATEGIES, "Margin Cost", required=True,
    help="Which cost is snapshotted on posted invoice lines to compute "
    "the margin.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'mentorsig.configuration'

    margin_cost_strategy = fields.MultiValue(margin_cost_strategy)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'margin_cost_strategy':
            return pool.get('mentorsig.configuration.margin')
        return super().multivalue_model(field)

    @classmethod
    def default_margin_cost_strategy(cls, **pattern):
        return 'cost_price'


class ConfigurationMargin(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.margin'
    __string__ = "MentorSiG Configuration Margin"

    margin_cost_strategy = margin_cost_strategy

    @classmethod
    def default_margin_cost_strategy(cls):
        return 'cost_price'
