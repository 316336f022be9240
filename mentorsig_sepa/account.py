# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta

from mentorsig_invoicing.validation import DeferredValidationMixin


class MoveLine(DeferredValidationMixin, metaclass=PoolMeta):
    "The receivable lines whose amount to pay a batch of debits changes"
    __name__ = 'account.move.line'
