# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The ${payment_link} placeholder of mentorsig_invoice_email's templates"
from trytond.pool import Pool, PoolMeta


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    def _mentorsig_email_extra_placeholders(self):
        """A link of its own for each email of an open invoice (only its
        fingerprint is kept, so the document's cannot be given again)"""
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        placeholders = super()._mentorsig_email_extra_placeholders()
        if self.mentorsig_payment_link_open():
            (url, _), = Link.make([self], 'email').values()
            placeholders['payment_link'] = url
        return placeholders
