# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""How a document without a number is named to the user

The host names an invoice, an order or a contract that has no number and
no reference yet by its internal id, "(14)", which a user never sees
anywhere else.  For the companies that enabled MentorSiG those records are
named as the user knows them: the customer, the date and the amount.
"""
from trytond.pool import Pool
from trytond.transaction import check_access


def unnumbered_label(party, date=None, amount=None, currency=None):
    "The customer, the date and the amount, in the user's language"
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get()
    return ' '.join(filter(None, [
                party.rec_name if party else None,
                lang.strftime(date) if date else None,
                lang.currency(amount or 0, currency)
                if currency and amount is not None else None]))


def company_enabled(company):
    "Whether the company enabled MentorSiG (see enabled_companies)"
    pool = Pool()
    Configuration = pool.get('mentorsig.configuration')
    return bool(company and Configuration.enabled_companies([company]))


def posting_groups():
    """The names of the groups that may post invoices when the user may
    not, else an empty list: a message tells who can do it

    Posting needs the groups of the Post button (the host sets none) and
    the right to write invoices (the host gives it to Accounting)."""
    pool = Pool()
    Button = pool.get('ir.model.button')
    Group = pool.get('res.group')
    ModelAccess = pool.get('ir.model.access')
    User = pool.get('res.user')
    button_groups = Button.get_groups('account.invoice', 'post')
    with check_access():
        may_write = ModelAccess.check(
            'account.invoice', 'write', raise_exception=False)
    if may_write and (
            not button_groups or button_groups & set(User.get_groups())):
        return []
    writers = {a.group.id for a in ModelAccess.search([
                ('model', '=', 'account.invoice'),
                ('perm_write', '=', True),
                ('group', '!=', None),
                ])}
    if button_groups:
        writers &= button_groups
    return sorted(g.name for g in Group.browse(writers))
