# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class InvoiceBatch(metaclass=PoolMeta):
    "A run of the recurring invoices is a batch: counters, errors, duration"
    __name__ = 'mentorsig.invoice.batch'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(('recurring', "Recurring Invoices"))
