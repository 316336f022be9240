# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Post and email (with mentorsig_invoice_email): a generated invoice goes
out by the email module's own path once its document is stored, as for a
customer who asked for invoices by email: queued in the posting's
transaction, delivered after the commit, once (the Message-ID is fixed
when queued)"""
from trytond.pool import PoolMeta


class RecurringTemplate(metaclass=PoolMeta):
    __name__ = 'mentorsig.recurring.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.generation.selection = cls.generation.selection + [
            ('email', "Post and Email")]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _mentorsig_email_on_posting(cls, invoices):
        super()._mentorsig_email_on_posting(invoices)
        to_queue = [i for i in cls.mentorsig_enabled(cls.browse(invoices))
            if i.type == 'out' and i.state in {'posted', 'paid'}
            and i.recurring_template
            and i.recurring_template.generation == 'email'
            and not i.email_state and not i.email_sent_at]
        if to_queue:
            cls.mentorsig_email_queue(to_queue)
