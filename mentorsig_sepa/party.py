# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta

from .invoice import last_return, return_reason_field


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    sepa_return_reason = return_reason_field("Last Direct Debit Returned",
        "Why the bank rejected or returned the last direct debit of this "
        "customer.")

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
