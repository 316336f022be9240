# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bulk posting path of mass operations (the invoice batches, and the
recurring invoices and SEPA batches to come): the host's `post`, by
chunks in transactions of their own, with the locks taken up front.

Where the time goes (cProfile of 100 five-line invoices on PostgreSQL,
bench/bench_posting.py --profile): 40 % in trytond's check that the ids
of a browsed list are integers, done by each instance over the whole list
(quadratic: 38 million checks for 200 invoices posted at once), and 18 %
in the host's tax warning (`_check_taxes`: an on_change_product of every
line) whose answer a batch skips anyway.  So a chunk is posted by slices
of SLICE invoices, in the date order the host's numbering follows, and
warnings are skipped as the host's own batch posting (`post_batch`) does.

The SQL statements of posting one five-line invoice (counted by caller,
PostgreSQL, 20 invoices): the host 92, of which 40 for its tax warning
and 30 for rereading every tax and its children (`tax.childs`) each time
it computes an invoice's taxes, which it does four to five times while
posting it (after each write of the draft, `on_modification`, and at its
move).  The bulk path does, in each chunk's transaction, through the
host's extension points and calling the host for every answer:

- `Tax.compute` is kept by its arguments (the taxes, unit price,
  quantity and date) and answered from there for the chunk: once per
  distinct line shape instead of once per line and per computation;
- the drafts' taxes are computed once, before the host's post (what its
  first write computes), and not again after the writes of posting that
  change none of what they read (TAX_NEUTRAL_FIELDS: number, sequence,
  amounts cached, move, state...); a write of any other field (the
  invoice date set by set_number) computes them as the host does; the
  move's check that the stored taxes are those computed
  (`update_taxes(exception=True)`, 7 % of posting) is left out for the
  drafts whose taxes this transaction computed, and runs for the others;
- each invoice is validated once, over its final values, at the end of
  its chunk (validation.py), instead of at each of the four writes of
  posting (11 % of posting);
- the invoice sequences of the locks are asked once per company, type
  and date instead of once per invoice.

Measured (bench/bench_posting.py --backend postgresql --invoices 1000
--rounds 1 --skip-extras, 4 December 2026): post 2.65x the host (17 SQL
statements per invoice against 86), post + documents 2.91x (the queued
documents 47 ms per invoice against the host's ODT 152 ms); with 500
invoices 3.01x and 3.33x.  Since the bookkeeping writes are not
validated twice (BOOKKEEPING_FIELDS), what is left of the
validation is the host's on the move lines and tax lines created.

Nothing of the host is copied: these are overrides that call it.  What
is left is the host's per-record ORM work (one UPDATE per invoice for
each of its saves, the domain validation of every write, one INSERT per
move line and tax line on SQLite, which has no multi-row insert).
"""
import threading

from trytond.exceptions import UserError
from trytond.model import dualmethod
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, TransactionError

from .validation import deferred_validation

# invoices per call of the host's post inside a chunk's transaction: the
# host's per-record costs grow with the size of the browsed list
SLICE = 25

# the values of the host's sequence_type_cache
SEQUENCE_TYPES = ['invoice', 'credit_note']

# the invoice's fields that posting writes and that its taxes do not read
# (lines, dates, currency, company, party's language): a write of only
# these leaves the taxes the host recomputes (on_modification) unchanged
TAX_NEUTRAL_FIELDS = frozenset([
        'number', 'sequence', 'sequence_type_cache', 'tax_identifier',
        'party_tax_identifier', 'number_alnum', 'number_digit',
        'untaxed_amount_cache', 'tax_amount_cache', 'total_amount_cache',
        'move', 'state', 'posted_by', 'validated_by', 'payment_term_date',
        'payment_term', 'sales_rep', 'mentorsig_kind'])

# the invoice's fields that posting writes for the record's sake alone
# (the number's search keys, the amounts as computed): no domain, required
# state or check of an invoice reads them (tests/invoicing/
# test_bulk_posting.py derives it from the pool), and each is written
# right after a write that the host validated, its value computed from it
BOOKKEEPING_FIELDS = frozenset([
        'number_alnum', 'number_digit',
        'untaxed_amount_cache', 'tax_amount_cache', 'total_amount_cache'])

# what a chunk's transaction computes once (see Tax.compute), by thread:
# set while a chunk is posted, None otherwise
_chunk = threading.local()


def chunk_memo(name):
    "The memo `name` of the chunk being posted in this thread, else None"
    memos = getattr(_chunk, 'memos', None)
    return memos.setdefault(name, {}) if memos is not None else None


class BulkPostingMixin:
    "Mixed into account.invoice by invoice.py"
    __slots__ = ()

    @classmethod
    def mentorsig_post_bulk(cls, invoices, size=200, errors=None,
            on_chunk=None):
        """Post many invoices as the host's `post` does, by chunks of
        `size` in transactions of their own, the locks taken up front

        The host's posting locks the invoice sequences and the journal's
        periods when it reaches them: trytond's lock protocol then throws
        the transaction away and starts it again (two or three times per
        RPC call).  Here they are known before (the sequences of the
        invoices, the journal-period table when one is to be created) and
        taken when each chunk's transaction starts.  The documents are
        left to the task queued by posting (print_invoice), rendered after
        the commit.  Each chunk commits: what was posted stays posted.

        With `errors` (a dict), a chunk that the host refuses is posted
        again invoice by invoice, and the refusal of each invoice goes to
        errors[id] (the invoice stays a draft) instead of stopping the
        whole.  `on_chunk(posted_ids, failed_ids)` is called in each
        chunk's transaction before it commits (a batch's counters).
        Return the ids posted (in the order given), and the lock-protocol
        restarts (0 when the locks were all known).

        The invoices are posted in the order of their dates (stable), the
        order in which the host's set_number numbers one call's invoices:
        the numbers are those of one host post of them all.  Warnings are
        skipped, as the host's post_batch does: nobody is there to answer.
        """
        given = [i.id for i in invoices]
        extras, dates = cls._mentorsig_posting_locks(given)
        rank = {id_: k for k, id_ in enumerate(given)}
        ids = sorted(given, key=lambda i: (dates[i], rank[i]))
        restarts = 0
        posted = []
        for chunk in grouped_slice(ids, size):
            chunk = list(chunk)
            try:
                done, restarted = cls._mentorsig_post_chunk(
                    chunk, extras, on_chunk)
            except UserError:
                if errors is None:
                    raise
                done, restarted = [], 0
                for invoice_id in chunk:
                    try:
                        one, again = cls._mentorsig_post_chunk(
                            [invoice_id], extras, on_chunk)
                    except UserError as exception:
                        errors[invoice_id] = exception.message
                        cls._mentorsig_post_chunk(
                            [], extras, on_chunk, failed=[invoice_id])
                        continue
                    done.extend(one)
                    restarted += again
            restarts += restarted
            posted.extend(done)
        return sorted(posted, key=rank.__getitem__), restarts

    @classmethod
    def _mentorsig_warnings_skipped(cls):
        "Whether res.user.warning's check answers no to every warning"
        transaction = Transaction()
        return (not transaction.user
            or transaction.context.get('_skip_warnings'))

    @classmethod
    def _check_taxes(cls, invoices):
        # it only warns (an on_change_product of every line to tell)
        if not cls._mentorsig_warnings_skipped():
            super()._check_taxes(invoices)

    @classmethod
    def _check_similar(cls, invoices, type='in'):
        # it only warns (a search per invoice to tell)
        if not cls._mentorsig_warnings_skipped():
            super()._check_similar(invoices, type=type)

    @classmethod
    def on_modification(cls, mode, invoices, field_names=None):
        memo = chunk_memo('taxes')
        if memo is None or mode != 'write':
            return super().on_modification(
                mode, invoices, field_names=field_names)
        # the host recomputes the drafts' taxes after every write: four
        # times while posting one, the writes of posting being neutral
        previous = memo.get('unchanged', frozenset())
        memo['unchanged'] = (frozenset(i.id for i in invoices)
            if field_names is not None
            and set(field_names) <= TAX_NEUTRAL_FIELDS else frozenset())
        try:
            super().on_modification(mode, invoices, field_names=field_names)
        finally:
            memo['unchanged'] = previous

    @classmethod
    def _validate(cls, invoices, field_names=None):
        # the host validates again, on every write, each field whose
        # domain reads a function field: for the writes of bookkeeping
        # fields, which change no value any domain or check reads, 0.7 s
        # of the 1.8 s of validation while posting 50 invoices
        if (chunk_memo('taxes') is not None and field_names
                and set(field_names) <= BOOKKEEPING_FIELDS):
            return
        super()._validate(invoices, field_names=field_names)

    @dualmethod
    def update_taxes(cls, invoices, exception=False):
        memo = chunk_memo('taxes')
        if memo is not None and exception:
            # the move's check that the taxes stored are those computed:
            # for an invoice whose taxes the host computed in this chunk's
            # transaction, every write since then neutral (a write of
            # another field computes them again), they are
            invoices = [i for i in invoices
                if i.id not in memo.get('computed', ())]
        elif memo is not None:
            # the taxes of a draft whose last write was neutral are those
            # computed at its previous write (or at its creation)
            invoices = [i for i in invoices
                if i.id not in memo.get('unchanged', ())]
        super().update_taxes(invoices, exception=exception)
        if memo is not None and not exception:
            memo.setdefault('computed', set()).update(
                i.id for i in invoices if i.state == 'draft')

    @classmethod
    def _mentorsig_post_chunk(cls, ids, extras, on_chunk=None, failed=()):
        "Post ids in a transaction of their own; the ids and the restarts"
        transaction = Transaction()
        restarts = 0
        while True:
            with transaction.new_transaction(**extras) as new:
                # the memos hold records of this transaction only
                _chunk.memos = {}
                try:
                    # each invoice validated once, over its final values,
                    # instead of at each of the four writes of posting (the
                    # move lines are validated once, when created)
                    queued = new.set_context(
                        mentorsig_documents_queued=True, _skip_warnings=True)
                    with deferred_validation('account.invoice'), queued:
                        for slice_ in grouped_slice(ids, SLICE):
                            invoices = cls.browse(list(slice_))
                            # what the host's first write of the drafts
                            # computes (the later ones are neutral)
                            cls.update_taxes(
                                [i for i in invoices if i.state == 'draft'])
                            cls.post(invoices)
                        if on_chunk:
                            on_chunk(ids, list(failed))
                except TransactionError as exception:
                    new.rollback()
                    exception.fix(extras)
                    restarts += 1
                    continue
                except Exception:
                    new.rollback()
                    raise
                finally:
                    _chunk.memos = None
            return ids, restarts

    @classmethod
    def _mentorsig_posting_locks(cls, ids):
        """The transaction extras that lock what posting the invoices
        locks, and the date each is numbered at"""
        pool = Pool()
        Date = pool.get('ir.date')
        JournalPeriod = pool.get('account.journal.period')
        Period = pool.get('account.period')
        sequences = {}
        journal_periods = set()
        dates = {}
        # the invoice sequence by what _number_sequence reads, asked once:
        # a wrong guess only costs a lock-protocol restart, not a number
        numbering = {}
        for invoice in (i for s in grouped_slice(ids, SLICE)
                for i in cls.browse(list(s))):
            with Transaction().set_context(company=invoice.company.id):
                today = Date.today()
            # the key of the host's set_number
            dates[invoice.id] = invoice.invoice_date or today
            if invoice.state not in {'draft', 'validated'}:
                continue
            date = invoice.accounting_date or invoice.invoice_date or today
            if not invoice.number:
                if not invoice.invoice_date and invoice.type == 'out':
                    invoice.invoice_date = date
                # the sequences of both types: telling an invoice from a
                # credit note reads the amount of every line (4 % of the
                # bulk posting), locking one sequence more costs nothing
                for sequence_type in SEQUENCE_TYPES:
                    key = (invoice.company.id, invoice.type,
                        invoice.accounting_date or invoice.invoice_date,
                        sequence_type)
                    if key not in numbering:
                        invoice.sequence_type_cache = sequence_type
                        numbering[key], _ = invoice._number_sequence()
                    sequence = numbering[key]
                    if sequence:
                        sequences.setdefault(
                            sequence._table, set()).add(sequence.id)
            period = Period.find(invoice.company, date=date)
            # the move's number, from the period's strict sequence
            sequence = period.move_sequence_used
            if sequence._strict:
                sequences.setdefault(sequence._table, set()).add(sequence.id)
            if invoice.journal:
                journal_periods.add((invoice.journal.id, period.id))
        extras = {}
        if sequences:
            extras['_lock_records'] = {
                table: sorted(ids) for table, ids in sequences.items()}
        existing = set()
        if journal_periods:
            existing = {(jp.journal.id, jp.period.id)
                for jp in JournalPeriod.search([
                        ('journal', 'in', list({j for j, _ in journal_periods})),
                        ('period', 'in', list({p for _, p in journal_periods})),
                        ])}
        if journal_periods - existing:
            extras['_lock_tables'] = [JournalPeriod._table]
        return extras, dates


class BulkPostingLineMixin:
    "Mixed into account.invoice.line by invoice.py"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        memo = chunk_memo('taxes')
        if memo and memo.get('computed'):
            # the host computes the taxes again on the writes of the
            # invoice only: the move's check runs for the invoice of a line
            # written since its taxes were computed (see update_taxes)
            memo['computed'].difference_update(
                l.invoice.id for l in lines if l.invoice)


class Tax(metaclass=PoolMeta):
    __name__ = 'account.tax'

    @classmethod
    def compute(cls, taxes, price_unit, quantity, date):
        """The host's computation, once per line shape in a chunk

        The host computes an invoice's taxes four to five times while
        posting it (on each write of the draft, at its move), each time
        rereading every tax and its children: 30 SQL statements per
        five-line invoice.  Its answer depends only on the taxes (not
        written while a chunk posts), the unit price, the quantity and
        the date: in a chunk's transaction it is kept by these, and a
        copy of the rows given (the callers change them)."""
        memo = chunk_memo('tax')
        if memo is None:
            return super().compute(taxes, price_unit, quantity, date)
        # str of the numbers: 10 and 10.00 give rows of other exponents
        key = (tuple(map(int, taxes)), str(price_unit),
            type(quantity), str(quantity), date)
        rows = memo.get(key)
        if rows is None:
            rows = memo[key] = super().compute(
                taxes, price_unit, quantity, date)
        return [dict(row) for row in rows]
