# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Validation once per record in a mass operation.

The host validates a record on every write.  An invoice is written four
times while it is posted (set_number, the amounts cached, the move and
state, posted_by), each time evaluating its domains: 11 % of the bulk
posting of 500 invoices on PostgreSQL (py-spy, 4 December 2026).  A
payment prepared for a batch is written five times by the workflow
(submit, group, process, mandate and sequence type, payment info) and the
invoice's move line once per write of its payments (account_payment's
`set_payment_amount` clears its cache with a write of no value), each time
evaluating every domain of every record.
For 1,000 debits that was 68 s of a 126 s batch on PostgreSQL.

Inside `deferred_validation()` the host's `_validate` of the models mixed
with `DeferredValidationMixin` only notes the records and the fields
written; when the block ends without error, each record noted is validated
once, by the host, over its final values and the union of its written
fields (all of them for a record created in the block). A value that breaks
a domain still raises, at the end of the block, in the same transaction.

The block belongs to the transaction that opened it: a record written in
another transaction started inside it (a chunk of the bulk posting) is
validated as the host does, or by that transaction's own block.

The bulk posting's chunks (posting.py), Prepare Direct Debits
(mentorsig_sepa) and the settlements of a bank return run in such a block.
"""
import threading
from collections import defaultdict
from contextlib import contextmanager

from trytond.transaction import (
    Transaction, inactive_records, without_check_access)


_pending = threading.local()


def _blocks():
    """The open blocks of this thread: transaction -> (the names of the
    models deferred, None for all; Model -> id -> field names)"""
    blocks = getattr(_pending, 'blocks', None)
    if blocks is None:
        blocks = _pending.blocks = {}
    return blocks


@contextmanager
def deferred_validation(*model_names):
    """Validate the records written in the block once, when it ends: those
    of the models named, or of every model mixed with
    DeferredValidationMixin"""
    transaction = Transaction()
    blocks = _blocks()
    if transaction in blocks:
        yield  # nested: the outer block validates
        return
    blocks[transaction] = (frozenset(model_names) or None, defaultdict(dict))
    try:
        yield
        _, records = blocks[transaction]
    finally:
        # what the validation itself writes is validated as the host does
        del blocks[transaction]
    for Model, names_by_id in records.items():
        validate(Model, names_by_id)


def validate(Model, names_by_id):
    "Validate the ids of Model, grouped by the field names written"
    by_names = defaultdict(list)
    for id_, names in names_by_id.items():
        by_names[names if names is None else frozenset(names)].append(id_)
    for names, ids in by_names.items():
        ids.sort()
        size = Model._deferred_validation_size
        for i in range(0, len(ids), size):
            with without_check_access(), inactive_records():
                # a record deleted in the block has nothing to validate
                records = Model.search([('id', 'in', ids[i:i + size])],
                    order=[('id', 'ASC')])
                Model._validate(records,
                    field_names=None if names is None else set(names))


class DeferredValidationMixin:
    __slots__ = ()
    # records validated together at the end of the block: measured on
    # PostgreSQL, 1,000 payments take 6.2 s together, 11.4 s by lists of
    # 100; 1,000 move lines 3.3 s by lists of 100, 3.8 s together (and
    # 43 s instead of 9 for the lines reconciled by 1,000 settlements)
    _deferred_validation_size = 100

    @classmethod
    def _validate(cls, records, field_names=None):
        models, pending = _blocks().get(Transaction(), (None, None))
        if pending is None or (models and cls.__name__ not in models):
            return super()._validate(records, field_names=field_names)
        noted = pending[cls]
        for record in records:
            if record.id not in noted:
                noted[record.id] = (
                    None if field_names is None else set(field_names))
            elif noted[record.id] is not None:
                if field_names is None:
                    noted[record.id] = None
                else:
                    noted[record.id].update(field_names)
