# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The costs of stock moves are read by the Margin group only (product.xml):
a user without it duplicates a move with its costs all the same."""
from trytond.pool import PoolMeta

from .line import copy_hidden


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def copy(cls, moves, default=None):
        return copy_hidden(
            cls, moves, default, super().copy,
            ['cost_price', 'product_cost_price'])
