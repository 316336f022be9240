# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bulk posting path of mass operations (the invoice batches, and the
recurring invoices and SEPA batches to come): the host's `post`, by
chunks in transactions of their own, with the locks taken up front."""
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, TransactionError


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
        Return the ids posted, and the lock-protocol restarts (0 when the
        locks were all known).
        """
        ids = [i.id for i in invoices]
        extras = cls._mentorsig_posting_locks(cls.browse(ids))
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
        return posted, restarts

    @classmethod
    def _mentorsig_post_chunk(cls, ids, extras, on_chunk=None, failed=()):
        "Post ids in a transaction of their own; the ids and the restarts"
        transaction = Transaction()
        restarts = 0
        while True:
            with transaction.new_transaction(**extras) as new:
                try:
                    with new.set_context(mentorsig_documents_queued=True):
                        if ids:
                            cls.post(cls.browse(ids))
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
            return ids, restarts

    @classmethod
    def _mentorsig_posting_locks(cls, invoices):
        "The transaction extras that lock what posting `invoices` locks"
        pool = Pool()
        Date = pool.get('ir.date')
        JournalPeriod = pool.get('account.journal.period')
        Period = pool.get('account.period')
        sequences = {}
        journal_periods = set()
        for invoice in invoices:
            if invoice.state not in {'draft', 'validated'}:
                continue
            with Transaction().set_context(company=invoice.company.id):
                today = Date.today()
            date = invoice.accounting_date or invoice.invoice_date or today
            if not invoice.number:
                invoice.sequence_type_cache = invoice._sequence_type
                if not invoice.invoice_date and invoice.type == 'out':
                    invoice.invoice_date = date
                sequence, _ = invoice._number_sequence()
                sequences.setdefault(sequence._table, set()).add(sequence.id)
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
        return extras
