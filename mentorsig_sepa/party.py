# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .invoice import last_return
from .payment import REASON_SELECTION


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    sepa_return_reason = fields.Function(fields.Selection(
            REASON_SELECTION, "Last Direct Debit Returned",
            states={
                'invisible': ~Eval('sepa_return_reason'),
                },
            help="Why the bank rejected or returned the last direct debit "
            "of this customer."),
        'get_sepa_return_reason')

    def get_sepa_return_reason(self, name):
        pool = Pool()
        Payment = pool.get('account.payment')
        payments = Payment.search([
                ('party', '=', self.id),
                ('kind', '=', 'receivable'),
                ('state', '=', 'failed'),
                ('sepa_return_reason_code', '!=', None),
                ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        return last_return(payments)
