# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The ${payment_link} placeholder of mentorsig_invoice_email's templates"
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# What a preview shows in place of the link, the template's own placeholder
LINK_MARKER = '${payment_link}'


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    def _mentorsig_email_extra_placeholders(self):
        """A link of its own for each email of an open invoice (only its
        fingerprint is kept, so the document's cannot be given again)"""
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        placeholders = super()._mentorsig_email_extra_placeholders()
        if self.mentorsig_payment_link_open():
            if Transaction().readonly:
                # the preview of the Send by Email form (a read-only call
                # on PostgreSQL): the link is made when the email is sent
                placeholders['payment_link'] = LINK_MARKER
            else:
                (url, _), = Link.make([self], 'email').values()
                placeholders['payment_link'] = url
        return placeholders

    def mentorsig_email_message(self, to, subject, body, *args, **kwargs):
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        if LINK_MARKER in body and self.mentorsig_payment_link_open():
            (url, _), = Link.make([self], 'email').values()
            body = body.replace(LINK_MARKER, url)
        return super().mentorsig_email_message(
            to, subject, body, *args, **kwargs)
