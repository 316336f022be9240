# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access checks at the places where the host trusts the client.

The host checks access on the records an RPC call names, not on what the
call reads on the way: wizards run without access checks on their form
values, on_change methods instantiate any id the client sends, reports
check the model of the action in `data`, and `CompanyMultiValueMixin`
reads the values of the company in the context.  Our code calls these
helpers before it reads such records, so that a user of one company never
reads nor changes another's data, and a refusal never names a record the
user cannot read (the host's rule messages give ids only).

Root (user 0: cron, worker, module activation) is never checked.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import CompanyAccessError


def check_records(records, mode='read'):
    """Refuse unless the user may `mode` the records: model access and
    record rules, as the host checks the ids an RPC call names"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    if not Transaction().user:
        return
    ids = defaultdict(set)
    for record in records or []:
        if record is not None and record.id is not None and record.id >= 0:
            ids[record.__name__].add(record.id)
    with check_access():
        for model, model_ids in ids.items():
            ModelAccess.check(model, mode)
            Rule.check(model, sorted(model_ids), mode=mode)


def check_company(company):
    "Refuse a company (record or id) that is not one of the user's"
    pool = Pool()
    User = pool.get('res.user')
    if not Transaction().user or company is None:
        return
    try:
        company_id = int(company)
    except (TypeError, ValueError):
        # not a company at all (an RPC caller sent a list, a name...)
        raise CompanyAccessError(gettext(
                'mentorsig_invoicing.msg_company_not_allowed'))
    if company_id < 0:
        return
    if company_id not in User.get_companies():
        raise CompanyAccessError(gettext(
                'mentorsig_invoicing.msg_company_not_allowed'))


def check_context_company():
    """Refuse an RPC call whose context names a company not the user's:
    company-valued fields read and write the values of that company"""
    transaction = Transaction()
    if transaction.user and transaction.check_access:
        check_company(transaction.context.get('company'))


class Attachment(metaclass=PoolMeta):
    """Attachments of an email readable by who reads what it was sent for

    The host checks an attachment's access on its resource's record
    rules; an `ir.email` has none of its own (its access is that of its
    resource), so that any user read by id the PDF attached to the email
    of an invoice of another company.  The emails' resources are checked
    too; `search` already filters them."""
    __name__ = 'ir.attachment'

    @classmethod
    def check_access(cls, ids, mode='read'):
        pool = Pool()
        Email = pool.get('ir.email')
        super().check_access(ids, mode=mode)
        transaction = Transaction()
        if not transaction.user or not transaction.check_access:
            return
        with without_check_access():
            emails = {a.resource.id for a in cls.browse(ids)
                if isinstance(a.resource, Email)}
        if emails:
            Email.check_access(sorted(emails),
                mode='read' if mode == 'read' else 'write')


class ContextCompanyMixin:
    """Reads and writes refused for a company of the context that is not
    one of the user's: company-valued fields (CompanyMultiValueMixin) give
    and change the values of that company"""
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        check_context_company()
        return super().read(ids, fields_names)

    @classmethod
    def create(cls, vlist):
        check_context_company()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        check_context_company()
        super().write(*args)


class RulesBeforeChecksMixin:
    """The record rules before the host's modification checks

    The host runs `check_modification` (posted invoice, posted move...)
    before the record rules, and its messages name the record: an
    external call on another company's records gets the rules' refusal
    (ids only) instead."""
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        if external and mode in {'write', 'delete'}:
            check_records(records, mode=mode)
        super().check_modification(
            mode, records, values=values, external=external)


class Move(RulesBeforeChecksMixin, metaclass=PoolMeta):
    __name__ = 'account.move'


class MoveLine(RulesBeforeChecksMixin, metaclass=PoolMeta):
    __name__ = 'account.move.line'
