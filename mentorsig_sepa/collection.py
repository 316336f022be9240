# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Prepare Direct Debits: the open invoices of customers who pay by direct
debit (the host's party.party.reception_direct_debit with a SEPA journal and
mandate), due up to a date, become payments grouped in one file per scheme
and sequence type, through the host's payment group (the batch record).

The host's own "Create Direct Debits" (account.move.line.pay_direct_debit)
creates the payments only, dated at each line's maturity (in the past for an
overdue invoice), says nothing about what it leaves out, and the host's
Process wizard then puts CORE and B2B debits in one file. Nothing is
collected twice: a line already in a payment that has not failed has no
amount to pay left (the host's payment_amount), and the lines are locked
while their payments are created.

The payments go through the host's workflow (submit, process) by lists of
BROWSE, created with the mandate, the sequence type and the payment
information that the host's process_sepa would give them; the file is then
made once per group (Group.sepa_release_prepared). The host's process_sepa
is not called on them because it browses the group's payments as one list,
which the ORM handles in a time quadratic in its length (its files hold up
to 10,000 debits). Each payment and move line written is validated once,
at the end, over its final values (batch.py).
"""
import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from mentorsig_invoicing.validation import deferred_validation
from .exceptions import CollectionError
from .iso20022 import pain008
from .payment import (
    BROWSE, PREPARED, _browse, _chunks, sepa_address)

REASONS = [
    ('pending', "Already in an unprocessed batch"),
    ('no_mandate', "No validated mandate"),
    ('lapsed', "Mandate lapsed (36 months unused)"),
    ('bic', "Missing BIC of the debtor bank"),
    ('address', "Missing town or country of the debtor"),
    ('amount', "Amount out of range"),
    ('notice', "Pre-notification too short"),
    ('currency', "Not in the journal's currency"),
    ]
WARNINGS = [
    ('no_email', "No email address: tell the debtor another way"),
    ]
# move lines locked per statement
LOCK = 10000


class CollectStart(ModelView):
    __name__ = 'mentorsig.sepa.collect.start'
    __string__ = "Prepare Direct Debits"

    company = fields.Many2One('company.company', "Company", readonly=True)
    journal = fields.Many2One('account.payment.journal', "Bank Profile",
        required=True,
        domain=[
            ('process_method', '=', 'sepa'),
            ('company', '=', Eval('company', -1)),
            ],
        help="The SEPA payment journal of the bank account to credit.")
    due_date = fields.Date("Due up to", required=True,
        help="Collect the invoices due up to this date.")
    collection_date = fields.Date("Collection Date", required=True,
        help="The date the debtors' accounts are debited.")
    earliest_date = fields.Date("Earliest Collection Date", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_due_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_journal(cls):
        pool = Pool()
        Journal = pool.get('account.payment.journal')
        journals = Journal.search([
                ('process_method', '=', 'sepa'),
                ('company', '=', Transaction().context.get('company', -1)),
                ], limit=2)
        if len(journals) == 1:
            return journals[0].id

    @fields.depends('journal', 'collection_date')
    def on_change_journal(self):
        today = Pool().get('ir.date').today()
        if self.journal:
            self.earliest_date = (
                self.journal.sepa_earliest_collection_date(today))
            if (not self.collection_date
                    or self.collection_date < self.earliest_date):
                self.collection_date = self.earliest_date


class CollectLine(ModelView):
    __name__ = 'mentorsig.sepa.collect.line'
    __string__ = "Direct Debit to Prepare"

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    party = fields.Many2One('party.party', "Customer", readonly=True)
    maturity_date = fields.Date("Due Date", readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    mandate = fields.Many2One(
        'account.payment.sepa.mandate', "Mandate", readonly=True)
    scheme = fields.Char("Scheme", readonly=True)
    sequence_type = fields.Char("Sequence Type", readonly=True)
    reason = fields.Selection([(None, '')] + REASONS, "Left Out Because",
        readonly=True)
    warning = fields.Selection([(None, '')] + WARNINGS, "Warning",
        readonly=True,
        help="Collected, but the pre-notification cannot be emailed.")
    detail = fields.Char("Detail", readonly=True)


class CollectPreview(ModelView):
    __name__ = 'mentorsig.sepa.collect.preview'
    __string__ = "Prepare Direct Debits"

    journal = fields.Many2One(
        'account.payment.journal', "Bank Profile", readonly=True)
    collection_date = fields.Date("Collection Date", readonly=True)
    count = fields.Integer("Debits", readonly=True)
    total = fields.Numeric("Total", digits=(16, 2), readonly=True)
    without_email = fields.Integer("Without Email", readonly=True,
        help="Debtors to collect who have no email address: they must be "
        "told the amount and the date another way.")
    collected = fields.One2Many('mentorsig.sepa.collect.line', None,
        "To Collect", readonly=True)
    left_out = fields.One2Many('mentorsig.sepa.collect.line', None,
        "Left Out", readonly=True)


class Collect(Wizard):
    __name__ = 'mentorsig.sepa.collect'
    start = StateView('mentorsig.sepa.collect.start',
        'mentorsig_sepa.collect_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Preview", 'preview', 'tryton-forward', default=True),
            ])
    preview = StateView('mentorsig.sepa.collect.preview',
        'mentorsig_sepa.collect_preview_view_form', [
            Button("Back", 'start', 'tryton-back'),
            Button("Create Batches", 'create_', 'tryton-ok', default=True,
                states={'readonly': ~Eval('count')}),
            ])
    create_ = StateAction('account_payment.act_payment_group_form')

    def default_start(self, fields):
        pool = Pool()
        Start = pool.get('mentorsig.sepa.collect.start')
        Journal = pool.get('account.payment.journal')
        Configuration = pool.get('mentorsig.configuration')
        Configuration.check_enabled(Transaction().context.get('company'),
            gettext('mentorsig_sepa.msg_feature_direct_debits'))
        values = {}
        if getattr(self.start, 'journal', None):
            values = {
                'journal': self.start.journal.id,
                'due_date': self.start.due_date,
                'collection_date': self.start.collection_date,
                }
        elif Start.default_journal():
            values['journal'] = Start.default_journal()
        if values.get('journal'):
            start = Start(journal=Journal(values['journal']),
                collection_date=values.get('collection_date'))
            start.on_change_journal()
            values['earliest_date'] = start.earliest_date
            values['collection_date'] = start.collection_date
        return values

    def _invoices(self):
        "The invoices chosen in the invoice list, if started from there"
        if self.model and self.model.__name__ == 'account.invoice':
            return list(self.records)

    def default_preview(self, fields):
        self._check_start()
        kept, left_out = self.get_candidates(self.start.journal,
            self.start.due_date, self.start.collection_date,
            invoices=self._invoices())
        return {
            'journal': self.start.journal.id,
            'collection_date': self.start.collection_date,
            'count': len(kept),
            'total': sum((c['amount'] for c in kept), Decimal(0)),
            'without_email': len({c['party'] for c in kept
                    if c.get('warning') == 'no_email'}),
            'collected': [{k: v for k, v in c.items()
                    if k not in {'line', 'reception'}} for c in kept],
            'left_out': left_out,
            }

    def _check_start(self):
        pool = Pool()
        Date = pool.get('ir.date')
        journal = self.start.journal
        # the form comes from the client: the journal must be one the user
        # can read, of the current company
        journal, = type(journal).search([('id', '=', journal.id)])
        if journal.company.id != Transaction().context.get('company'):
            raise CollectionError(gettext(
                    'mentorsig_sepa.msg_collect_other_company'))
        earliest = journal.sepa_earliest_collection_date(Date.today())
        if self.start.collection_date < earliest:
            raise CollectionError(gettext(
                    'mentorsig_sepa.msg_collect_date_too_early',
                    date=self.start.collection_date, earliest=earliest))

    def do_create_(self, action):
        self._check_start()
        groups = self.create_batches(self.start.journal,
            self.start.due_date, self.start.collection_date,
            invoices=self._invoices())
        action['domains'] = []
        return action, {'res_id': [g.id for g in groups]}

    @classmethod
    def _line_domain(cls, journal, due_date, invoices=None):
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        domain = [d for d in MoveLine._pay_direct_debit_domain(due_date)
            if not (isinstance(d, tuple) and d[0] == 'payment_amount')]
        domain += [
            ('company', '=', journal.company.id),
            ('move.origin', 'like', 'account.invoice,%'),
            ('party.reception_direct_debits.journal', '=', journal.id),
            ]
        if invoices is not None:
            domain.append(('move.origin', 'in',
                    ['account.invoice,%s' % i.id for i in invoices]))
        return domain

    @classmethod
    def get_candidates(cls, journal, due_date, collection_date,
            invoices=None, lines=None):
        """The debits to collect and the lines left out, as values of
        mentorsig.sepa.collect.line (with 'line' and 'reception' for the
        creation)"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Date = pool.get('ir.date')
        today = Date.today()
        if lines is None:
            lines = _browse(MoveLine, [l.id for l in MoveLine.search(
                        cls._line_domain(journal, due_date, invoices),
                        order=[('maturity_date', 'ASC'), ('id', 'ASC')])])
        kept, left_out = [], []
        notice_ok = collection_date >= today + dt.timedelta(
            days=journal.sepa_prenotification_days or 0)
        # what depends on the customer or the mandate only is read once
        # per customer and per mandate, the invoices in one browse list
        invoices = cls._invoices_of(lines)
        receptions, emails, mandate_reasons, sequence_types = {}, {}, {}, {}
        for line in lines:
            party = line.party
            if party.id not in receptions:
                receptions[party.id] = next(
                    (r for r in party.reception_direct_debits
                        if r.journal == journal and r.type == 'line'), None)
            reception = receptions[party.id]
            if not reception:
                continue
            mandate = reception.sepa_mandate
            invoice, amount_to_pay, lines_to_pay = invoices[
                line.move.origin.id]
            amount = line.payment_amount
            if lines_to_pay == 1:
                # a partial payment registered on the invoice (not through
                # account.payment) is not in the line's amount to pay
                amount = min(amount, amount_to_pay)
            values = {
                'invoice': invoice.id,
                'party': line.party.id,
                'maturity_date': line.maturity_date,
                'amount': amount,
                'mandate': mandate.id if mandate else None,
                }
            reason, detail = cls._line_left_out_reason(
                journal, line, amount, notice_ok)
            if not reason:
                key = mandate.id if mandate else None, party.id
                if key not in mandate_reasons:
                    mandate_reasons[key] = cls._mandate_left_out_reason(
                        journal, party, mandate, today)
                reason, detail = mandate_reasons[key]
            if reason:
                values.update(reason=reason, detail=detail)
                left_out.append(values)
            else:
                if mandate.id not in sequence_types:
                    sequence_types[mandate.id] = mandate.sequence_type
                values.update(
                    scheme=mandate.scheme,
                    sequence_type=sequence_types[mandate.id],
                    line=line, reception=reception)
                if party.id not in emails:
                    emails[party.id] = cls._has_email(party)
                if not emails[party.id]:
                    values['warning'] = 'no_email'
                kept.append(values)
        return kept, left_out

    @classmethod
    def _has_email(cls, party):
        "Whether the pre-notification can be emailed to party"
        mechanism = party.contact_mechanism_get('email')
        return bool(mechanism and mechanism.email)

    @classmethod
    def _invoices_of(cls, lines):
        """The invoices of lines, browsed together, with their amount to
        pay and the number of their lines to pay, by id"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        ids = sorted({l.move.origin.id for l in lines})
        result = {}
        for sub_ids in _chunks(ids, BROWSE):
            # read for a whole list: read through the record, the host
            # computes them for that invoice alone (24 ms the amount)
            read = {r['id']: r for r in Invoice.read(
                    sub_ids, ['amount_to_pay', 'lines_to_pay'])}
            result.update((i.id, (i, read[i.id]['amount_to_pay'],
                        len(read[i.id]['lines_to_pay'])))
                for i in Invoice.browse(sub_ids))
        return result

    @classmethod
    def _line_left_out_reason(cls, journal, line, amount, notice_ok):
        "Why the line is left out whatever the mandate, or (None, None)"
        if amount is not None and amount <= 0:
            pending = [p for p in line.payments
                if p.state not in {'failed', 'succeeded'}]
            return 'pending', ', '.join(
                p.group.rec_name if p.group else p.rec_name for p in pending)
        if line.payment_currency != journal.currency:
            return 'currency', line.payment_currency.code
        if not pain008.check_amount(amount):
            return 'amount', str(amount)
        if not notice_ok:
            return 'notice', str(journal.sepa_prenotification_days)
        return None, None

    @classmethod
    def _mandate_left_out_reason(cls, journal, party, mandate, today):
        "Why the customer's mandate cannot be used, or (None, None)"
        if mandate and mandate.state == 'cancelled' and mandate.sepa_lapsed:
            return 'lapsed', mandate.rec_name
        if not mandate or mandate.state != 'validated' or not (
                mandate.account_number and mandate.account_number.active):
            return 'no_mandate', mandate.rec_name if mandate else ''
        if not mandate.is_valid or mandate.sepa_lapsed_at(today):
            return 'lapsed', mandate.rec_name
        bank = mandate.account_number.account.bank
        if not bank or not bank.bic:
            return 'bic', mandate.account_number.rec_name
        if journal.sepa_receivable_flavor == 'pain.008.001.08':
            address = sepa_address(
                mandate.address or party.address_get())
            if not address or not address.structured:
                return 'address', party.rec_name
        return None, None

    @classmethod
    def create_batches(cls, journal, due_date, collection_date,
            invoices=None):
        "Create the payments and one processed group per file"
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Payment = pool.get('account.payment')
        Group = pool.get('account.payment.group')
        Mandate = pool.get('account.payment.sepa.mandate')
        line_ids = [l.id for l in MoveLine.search(
                cls._line_domain(journal, due_date, invoices))]
        # A second preparation running at the same time waits here, then
        # finds these lines with nothing left to pay
        for sub_ids in _chunks(line_ids, LOCK):
            MoveLine.lock(MoveLine.browse(sub_ids))
        lines = _browse(MoveLine, line_ids)
        kept, _ = cls.get_candidates(journal, due_date, collection_date,
            lines=lines)
        by_file = defaultdict(list)
        for values in kept:
            by_file[values['scheme'], values['sequence_type']].append(values)
        # as the host's process_sepa: the first debit of a mandate decides
        Mandate.lock(sorted({v['reception'].sepa_mandate
                    for k, candidates in by_file.items() if k[1] == 'FRST'
                    for v in candidates}, key=lambda m: m.id))
        groups, by_group = [], []
        with deferred_validation(), Transaction().set_context(
                **{PREPARED: True}):
            for _, candidates in sorted(by_file.items()):
                group = Group(company=journal.company, journal=journal,
                    kind='receivable')
                group.save()
                payments = cls._prepared_payments(
                    candidates, collection_date)
                # by chunks: the host's workflow browses the payments it
                # is given as one list
                for sub_payments in _chunks(payments, BROWSE):
                    Payment.save(sub_payments)
                    sub_payments = Payment.browse(
                        [p.id for p in sub_payments])
                    Payment.submit(sub_payments)
                    Payment.process(sub_payments, lambda: group)
                group.sepa_release_prepared()
                groups.append(group)
                by_group.append(payments)
        for payments in by_group:
            # emailed after the commit, by the worker when there is one
            Payment.__queue__.sepa_prenotify(payments)
        return groups

    @classmethod
    def _prepared_payments(cls, candidates, collection_date):
        """The unsaved payments of the candidates of one file, with what
        the host's process_sepa gives them: the mandate, its sequence type
        (a first debit of a mandate is FRST, the next ones of the same
        file RCUR) and the payment information of their sequence type"""
        payments, sequence_types, info_ids = [], {}, {}
        for values in candidates:
            reception = values['reception']
            mandate = reception.sepa_mandate
            payment = reception._get_payment(
                values['line'], collection_date, values['amount'])
            sequence_type = sequence_types.get(mandate.id,
                values['sequence_type'])
            sequence_types[mandate.id] = (
                'RCUR' if sequence_type == 'FRST' else sequence_type)
            payment.sepa_mandate = mandate
            payment.sepa_mandate_sequence_type = sequence_type
            if sequence_type not in info_ids:
                info_ids[sequence_type] = uuid.uuid4().hex
            payment.sepa_info_id = info_ids[sequence_type]
            payments.append(payment)
        return payments

