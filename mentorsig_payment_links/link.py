# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment links of invoices, and the provider events that pay them.

A link stores the SHA-256 of its token only (see tokens.py).  An event is
stored once per provider and event id; a payment or a reversal is booked
once per provider and booking key (the payment intent, the refund total,
the dispute), whatever number of events tell it; both are unique
constraints, so that a replay or a duplicate changes nothing, even from
two processes at once."""
import datetime as dt
import logging
import secrets
import zlib
from decimal import Decimal

import trytond.config as config
from sql import Literal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from mentorsig_invoicing.credit import reconcile_when_settled, split_line
from mentorsig_invoicing.payment import book_transfer
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import tokens

# The advisory lock of provider events on PostgreSQL (any fixed 64-bit key)
EVENT_LOCK = zlib.crc32(b'mentorsig.payment_link.event')
from .configuration import payment_link_url

logger = logging.getLogger(__name__)

PROVIDERS = [
    ('stripe', "Stripe"), ('paypal', "PayPal"), ('paybox', "Paybox (Verifone)")]


class PaymentLink(ModelSQL, ModelView):
    __name__ = 'mentorsig.payment_link'
    __string__ = "Payment Link"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    invoice = fields.Many2One(
        'account.invoice', "Invoice", required=True, readonly=True,
        ondelete='CASCADE',
        domain=[
            ('type', '=', 'out'),
            ('company', '=', Eval('company', -1)),
            ])
    token_hash = fields.Char("Token Hash", required=True, readonly=True)
    # with the server's key, gives the token of a document's link again
    nonce = fields.Char("Nonce", readonly=True)
    channel = fields.Selection([
            ('document', "Invoice Document"),
            ('email', "Email"),
            ('manual', "Made by Hand"),
            ], "Made For", readonly=True)
    expiry = fields.Date("Valid Until", required=True, readonly=True)
    revoked_at = fields.DateTime("Revoked At", readonly=True)
    state = fields.Function(fields.Selection([
                ('active', "Active"),
                ('expired', "Expired"),
                ('revoked', "Revoked"),
                ('paid', "Paid"),
                ], "State"), 'get_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_hash_unique', Unique(t, t.token_hash),
                'mentorsig_payment_links.msg_token_unique'),
            ]
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._buttons.update({
                'revoke': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    def get_rec_name(self, name):
        return '%s (%s)' % (self.invoice.rec_name, self.expiry)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('invoice.rec_name',) + tuple(clause[1:])]

    def get_state(self, name):
        if self.revoked_at:
            return 'revoked'
        if self.invoice.state == 'paid':
            return 'paid'
        if self.expiry < self._today():
            return 'expired'
        return 'active'

    def _today(self):
        pool = Pool()
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            return Date.today()

    @classmethod
    @ModelView.button
    def revoke(cls, links):
        now = dt.datetime.now()
        cls.write([l for l in links if not l.revoked_at], {
                'revoked_at': now})

    @classmethod
    def make(cls, invoices, channel):
        """New links for invoices: {invoice id: (url, expiry)}; the plain
        tokens go only into what is returned"""
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('mentorsig.configuration')
        configuration = Configuration(1)
        to_create, made = [], {}
        for invoice in invoices:
            company = invoice.company
            with Transaction().set_context(company=company.id):
                today = Date.today()
            validity = configuration.get_multivalue(
                'payment_link_validity', company=company.id)
            nonce = None
            key = server_key()
            if channel == 'document' and key:
                nonce = secrets.token_hex(16)
                token = tokens.keyed_token(key, nonce)
            else:
                token = tokens.new_token()
            expiry = tokens.link_expiry(
                today, invoice_due_date(invoice), validity)
            to_create.append({
                    'company': company.id,
                    'invoice': invoice.id,
                    'token_hash': tokens.token_hash(token),
                    'channel': channel,
                    'nonce': nonce,
                    'expiry': expiry,
                    })
            base = configuration.get_multivalue(
                'payment_link_base_url', company=company.id)
            made[invoice.id] = (payment_link_url(base, 'pay/' + token), expiry)
        cls.create(to_create)
        return made

    @classmethod
    def document_links(cls, invoices):
        """{invoice id: (url, expiry)} of the links printed on the
        documents of invoices, that the server's key gives again"""
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        key = server_key()
        if not key or not invoices:
            return {}
        configuration = Configuration(1)
        result = {}
        for link in cls.search([
                    ('invoice', 'in', [i.id for i in invoices]),
                    ('channel', '=', 'document'),
                    ('nonce', '!=', None),
                    ], order=[('id', 'ASC')]):
            if link.invoice.id in result:
                continue
            base = configuration.get_multivalue(
                'payment_link_base_url', company=link.company.id)
            result[link.invoice.id] = (payment_link_url(base,
                    'pay/' + tokens.keyed_token(key, link.nonce)),
                link.expiry)
        return result

    @classmethod
    def find(cls, token):
        """The link of token, whatever its state, else None: one indexed
        query on the hash, the same work for a known or unknown token"""
        links = cls.search([
                ('token_hash', '=', tokens.token_hash(token)),
                ], limit=1)
        if not links or not tokens.well_formed(token):
            return None
        return links[0]

    @property
    def usable(self):
        "Active: neither revoked, expired nor paid"
        return self.state == 'active'


def server_key():
    "The key outside the database that document links are made with"
    return config.get('mentorsig_payment_links', 'secret') or None


def invoice_due_date(invoice):
    "The latest due date still open, else the invoice date"
    dates = [l.maturity_date for l in invoice.lines_to_pay or []
        if l.maturity_date and not l.reconciliation]
    return max(dates) if dates else invoice.invoice_date


class PaymentEvent(ModelSQL, ModelView):
    __name__ = 'mentorsig.payment_link.event'
    __string__ = "Online Payment Event"

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    provider = fields.Selection(
        PROVIDERS, "Provider", required=True, readonly=True)
    event_id = fields.Char("Event", required=True, readonly=True)
    event_type = fields.Char("Type", readonly=True)
    transaction = fields.Char("Transaction", readonly=True,
        help="The provider's payment that the event is about.")
    booking = fields.Char("Booking", readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 4), readonly=True)
    currency_code = fields.Char("Currency", readonly=True)
    move = fields.Many2One('account.move', "Move", readonly=True)
    state = fields.Selection([
            ('booked', "Booked"),
            ('review', "To Review"),
            ('reviewed', "Reviewed"),
            ('ignored', "Ignored"),
            ], "State", required=True, readonly=True, sort=False)
    message = fields.Char("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('event_unique', Unique(t, t.provider, t.event_id),
                'mentorsig_payment_links.msg_event_unique'),
            ('booking_unique', Unique(t, t.provider, t.booking),
                'mentorsig_payment_links.msg_booking_unique'),
            ]
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._buttons.update({
                'mark_reviewed': {
                    'invisible': Eval('state') != 'review',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def mark_reviewed(cls, events):
        "The accountant settled by hand what was held for review"
        cls.write([e for e in events if e.state == 'review'], {
                'state': 'reviewed'})

    @classmethod
    def seen(cls, provider, event_id):
        return bool(cls.search([
                    ('provider', '=', provider),
                    ('event_id', '=', event_id),
                    ], limit=1))

    @classmethod
    def receive(cls, company, provider, confirmation):
        """Record a verified provider event and do what it says, once;
        return the event's state ('duplicate' for a replay)"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        cls._serialize()
        if cls.seen(provider, confirmation.event_id):
            return 'duplicate'
        values = {
            'company': company.id,
            'provider': provider,
            'event_id': confirmation.event_id,
            'event_type': confirmation.event_type,
            'transaction': confirmation.transaction,
            'amount': confirmation.amount,
            'currency_code': confirmation.currency,
            }
        invoice = cls._invoice_of(company, provider, confirmation)
        if invoice is None:
            values.update(state='ignored', message=gettext(
                    'mentorsig_payment_links.msg_event_no_invoice'))
            cls.create([values])
            return 'ignored'
        values['invoice'] = invoice.id
        # One booking per invoice at a time (two events, two processes)
        Invoice.lock([invoice])
        invoice = Invoice(invoice.id)
        if cls.search([
                    ('provider', '=', provider),
                    ('booking', '=', confirmation.booking),
                    ], limit=1):
            values.update(state='ignored', message=gettext(
                    'mentorsig_payment_links.msg_event_already_booked'))
            cls.create([values])
            return 'ignored'
        with Transaction().set_context(company=company.id):
            if confirmation.kind == 'payment':
                state, message, move = cls._pay(
                    invoice, provider, confirmation)
            else:
                state, message, move = cls._reverse(
                    invoice, provider, confirmation)
        if move:
            # what was booked: for a refund, its part of Stripe's total
            values['amount'] = sum((l.debit for l in move.lines), Decimal(0))
        values.update(state=state, message=message,
            move=move.id if move else None,
            booking=confirmation.booking if state == 'booked' else None)
        cls.create([values])
        return state

    @classmethod
    def _serialize(cls):
        """One provider event at a time, so that a delivery of the same
        event committed meanwhile is seen, not booked twice nor refused by
        the unique constraints; called before the provider is asked
        anything (a capture is not asked twice).

        PostgreSQL: an advisory lock of the transaction; a delivery that
        had to wait for it raises an operational error, so that trytond
        starts its request again in a new transaction, whose snapshot
        holds what the other delivery committed (trytond's transactions
        are repeatable-read: the snapshot was taken before the wait).
        SQLite has no row locks (Invoice.lock is a no-op there): its
        database write lock is taken before the first read."""
        if backend.name == 'postgresql':
            cursor = Transaction().connection.cursor()
            cursor.execute(
                'SELECT pg_try_advisory_xact_lock(%s)', (EVENT_LOCK,))
            (locked,), = cursor.fetchall()
            if not locked:
                cursor.execute(
                    'SELECT pg_advisory_xact_lock(%s)', (EVENT_LOCK,))
                raise backend.DatabaseOperationalError(
                    "provider event received meanwhile: start again")
            return
        if backend.name != 'sqlite':
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.id], [table.id], where=Literal(False)))

    @classmethod
    def _invoice_of(cls, company, provider, confirmation):
        """The invoice an event is about, of this company: from what we
        sent the provider (metadata, reference) for a payment, from the
        payment booked for a reversal"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Link = pool.get('mentorsig.payment_link')
        if confirmation.kind == 'reversal':
            payments = cls.search([
                    ('company', '=', company.id),
                    ('provider', '=', provider),
                    ('transaction', '=', confirmation.transaction),
                    ('state', '=', 'booked'),
                    ('booking', 'like', 'payment:%'),
                    ], limit=1)
            return payments[0].invoice if payments else None
        try:
            invoice_id = int(confirmation.metadata.get('invoice'))
            link_id = int(confirmation.metadata.get('link'))
        except (TypeError, ValueError):
            return None
        links = Link.search([
                ('id', '=', link_id),
                ('invoice', '=', invoice_id),
                ('company', '=', company.id),
                ], limit=1)
        if not links:
            return None
        invoice = Invoice(invoice_id)
        if invoice.type != 'out' or invoice.state not in {'posted', 'paid'}:
            return None
        return invoice

    @classmethod
    def _method(cls, invoice, provider):
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        return Configuration(1).get_multivalue(
            'payment_link_%s_method' % provider, company=invoice.company.id)

    @classmethod
    def _pay(cls, invoice, provider, confirmation):
        "Book what was paid (partial allowed), else hold it for review"
        pool = Pool()
        Date = pool.get('ir.date')
        due = invoice.amount_to_pay or Decimal(0)
        paid = confirmation.amount
        decision, reason = tokens.decide(
            paid, confirmation.currency, due, invoice.currency.code)
        if decision == 'review':
            return 'review', gettext(
                'mentorsig_payment_links.msg_event_review_' + reason,
                amount=paid, currency=confirmation.currency, due=due,
                invoice_currency=invoice.currency.code), None
        method = cls._method(invoice, provider)
        if not method:
            return 'review', gettext(
                'mentorsig_payment_links.msg_event_review_method'), None
        move = book_transfer(invoice.company, invoice.party, Date.today(),
            method, paid, [(invoice.id, paid)], Decimal(0),
            description='%s %s' % (provider, confirmation.transaction))
        return 'booked', None, move

    @classmethod
    def _reverse(cls, invoice, provider, confirmation):
        """A refund or chargeback: the money goes back out of the
        provider's account, the customer owes it again, the invoice is
        open again"""
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        Reconciliation = pool.get('account.move.reconciliation')
        Invoice = pool.get('account.invoice')
        amount = confirmation.amount
        if confirmation.cumulative:
            # a refund event gives the total refunded so far
            previous = cls.search([
                    ('provider', '=', provider),
                    ('transaction', '=', confirmation.transaction),
                    ('state', '=', 'booked'),
                    ('booking', 'like', 'refund:%'),
                    ])
            amount -= sum((e.amount for e in previous), Decimal(0))
        booked = Decimal(0)
        for event in cls.search([
                    ('provider', '=', provider),
                    ('transaction', '=', confirmation.transaction),
                    ('state', '=', 'booked'),
                    ]):
            # what is still paid: payments less what was given back
            sign = 1 if event.booking.startswith('payment:') else -1
            booked += sign * event.amount
        if (confirmation.currency.upper() != invoice.currency.code
                or amount <= 0 or amount > booked):
            return 'review', gettext(
                'mentorsig_payment_links.msg_event_review_reversal',
                amount=amount, currency=confirmation.currency), None
        method = cls._method(invoice, provider)
        if not method:
            return 'review', gettext(
                'mentorsig_payment_links.msg_event_review_method'), None
        company, party, date = invoice.company, invoice.party, Date.today()
        receivable = Line(account=invoice.account, party=party,
            debit=amount, credit=Decimal(0))
        move = Move(journal=method.journal, company=company, date=date,
            period=Period.find(company, date=date), origin=invoice,
            description='%s %s %s' % (
                provider, confirmation.event_type, confirmation.transaction),
            lines=[receivable, Line(
                    account=method.credit_account.current(date=date),
                    debit=Decimal(0), credit=amount)])
        for line in move.lines:
            if line.account.party_required:
                line.party = party
        move.save()
        Move.post([move])
        refund_line, = [l for l in Move(move.id).lines
            if l.account == invoice.account]
        # The invoice is open again: its reconciliation undone, the
        # provider's payment line taken off it and settled by the refund
        # (split first when only part of it is refunded)
        reconciliations = {l.reconciliation
            for l in list(invoice.lines_to_pay) + list(invoice.payment_lines)
            if l.reconciliation}
        if reconciliations:
            Reconciliation.delete(list(reconciliations))
        Invoice.process([invoice])
        invoice = Invoice(invoice.id)
        payment_moves = {e.move for e in cls.search([
                    ('provider', '=', provider),
                    ('transaction', '=', confirmation.transaction),
                    ('state', '=', 'booked'),
                    ('booking', 'like', 'payment:%'),
                    ]) if e.move}
        # this payment's line first (or what is left of it after an
        # earlier partial refund split it)
        paid_lines = sorted((l for l in invoice.payment_lines
                if not l.reconciliation and l.credit >= amount),
            key=lambda l: (l.move not in payment_moves, -l.id))
        if paid_lines:
            paid = paid_lines[0]
            Invoice.remove_payment_lines([paid])
            if paid.credit == amount:
                Line.reconcile([paid, refund_line])
            else:
                remainder_amount = paid.credit - amount
                used = split_line(Line(paid.id), amount)
                Line.reconcile([used, refund_line])
                remainder = min((l for l in used.move.lines
                        if l.account == invoice.account
                        and not l.reconciliation
                        and l.credit == remainder_amount),
                    key=lambda l: l.id)
                Invoice.add_payment_lines({Invoice(invoice.id): [remainder]})
        reconcile_when_settled(Invoice(invoice.id))
        Invoice.process([Invoice(invoice.id)])
        return 'booked', None, move

