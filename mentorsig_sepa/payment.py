# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The host's SEPA payments (account_payment_sepa), extended.

One source of truth for every setting: the creditor identifier is the
company party's `eu_at_02` identifier, the bank profile is the SEPA payment
journal (bank account, message version, batch booking, initiating party,
and here the lead time and the notice days), the scheme and the sequence
type policy are the mandate's.

The files themselves are built by iso20022/pain008.py (why not the host's
Genshi templates is said there), plugged in where the host chooses its
template (`Group.get_sepa_template`); returns are read by iso20022/status.py
(why not the host's handler is said there), plugged in where the host parses
an incoming message (`Message.parse`).
"""
import datetime as dt
import uuid
from collections import defaultdict
from itertools import groupby

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import sortable_values
from trytond.transaction import Transaction

from . import sepa_rules
from mentorsig_invoicing.validation import (
    DeferredValidationMixin, deferred_validation)
from .exceptions import ReturnFileError, SepaFileError
from .iso20022 import pain008, status

OUR_VERSIONS = {'pain.008.001.08', 'pain.008.001.02'}
# set in the context by Prepare Direct Debits while it processes its payments
PREPARED = '_mentorsig_sepa_prepared'
# Records read one by one are browsed by lists of this size: on each field
# not yet read, the host's ModelStorage.__getattr__ scans the whole list
# browsed together (and checks its ids on every instance), quadratic in
# its length: 60 % of the time of a batch of 1,000 debits went there
BROWSE = 100
# Settlements of a return are made to succeed by lists of this size, each
# record validated once at the end, the groups' clearing reconciled once:
# camt.054 of 1,000 settlements on PostgreSQL, 32.3 s by one list of 1,000
# validated per write, 24.8 s so by 200 (27.4 s by 100, 29.2 s by 500)
SUCCEED = 200
# set in the context while a return's payments succeed: the groups'
# clearing lines are reconciled once, after them all
GROUPS_RECONCILED_AFTER = '_mentorsig_sepa_groups_reconciled_after'
# what account_payment_sepa renders with its own templates
HOST_VERSIONS = {'pain.008.001.02', 'pain.008.001.04', 'pain.008.003.02'}
PROBLEM_MESSAGES = {
    'amount': 'msg_problem_amount',
    'iban': 'msg_problem_iban',
    'mandate': 'msg_problem_mandate',
    'signature': 'msg_problem_signature',
    'address': 'msg_problem_address',
    'creditor_identifier': 'msg_problem_creditor_identifier',
    'creditor_iban': 'msg_problem_creditor_iban',
    'mixed_schemes': 'msg_problem_mixed_schemes',
    'currency': 'msg_problem_currency',
    }
REASON_SELECTION = [(None, '')] + [
    (code, '%s - %s' % (code, label))
    for code, label in sorted(status.REASONS.items())]


def problem_text(problem):
    "The translated sentence of a pain008.Problem"
    message = PROBLEM_MESSAGES.get(problem.code)
    if not message:
        return gettext('mentorsig_sepa.msg_problem_other',
            problem=str(problem))
    return gettext('mentorsig_sepa.%s' % message,
        label=problem.label, value=problem.value)


def sepa_address(address):
    "A party.address as the plain address of a pain.008"
    if not address:
        return None
    street = address.street_name or ''
    if not street and address.street_unstructured:
        street = address.street_unstructured.splitlines()[0]
    return pain008.Address(street=street,
        building_number=address.building_number or '',
        postal_code=address.postal_code or '', town=address.city or '',
        country=address.country.code if address.country else '')


class Journal(metaclass=PoolMeta):
    __name__ = 'account.payment.journal'

    sepa_lead_days = fields.Integer("Lead Time",
        states={
            'invisible': Eval('process_method') != 'sepa',
            'required': Eval('process_method') == 'sepa',
            },
        domain=['OR',
            ('sepa_lead_days', '=', None),
            [('sepa_lead_days', '>=', 0), ('sepa_lead_days', '<=', 10)],
            ],
        help="How many TARGET2 business days before the collection date "
        "the bank must receive the file.")
    sepa_prenotification_days = fields.Integer("Pre-notification Days",
        states={
            'invisible': Eval('process_method') != 'sepa',
            'required': Eval('process_method') == 'sepa',
            },
        domain=['OR',
            ('sepa_prenotification_days', '=', None),
            [('sepa_prenotification_days', '>=', 1),
                ('sepa_prenotification_days', '<=', 60)],
            ],
        help="How many days before the collection the debtor is told the "
        "amount and the date.")
    sepa_reject_fee_product = fields.Many2One('product.product',
        "Reject Fee",
        domain=[
            ('type', '=', 'service'),
            ('salable', '=', True),
            ],
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        states={
            'invisible': Eval('process_method') != 'sepa',
            },
        help="Invoice this service to the customer whose direct debit the "
        "bank rejects or returns (leave empty to charge nothing).")
    sepa_reject_fee_amount = fields.Numeric("Reject Fee Amount",
        digits=(16, 2),
        domain=['OR',
            ('sepa_reject_fee_amount', '=', None),
            ('sepa_reject_fee_amount', '>', 0),
            ],
        states={
            'invisible': ~Eval('sepa_reject_fee_product'),
            },
        help="The price of the reject fee, excluding taxes; empty for the "
        "product's list price.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.sepa_receivable_flavor.selection
        version = ('pain.008.001.08', 'pain.008.001.08')
        if version not in selection:
            selection.insert(1, version)

    @classmethod
    def default_sepa_receivable_flavor(cls):
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = Transaction().context.get('company')
        if company is not None and Configuration.enabled_companies([company]):
            return 'pain.008.001.08'
        return getattr(super(), 'default_sepa_receivable_flavor',
            lambda: None)()

    @classmethod
    def default_sepa_lead_days(cls):
        return sepa_rules.DEFAULT_LEAD_DAYS

    @classmethod
    def default_sepa_prenotification_days(cls):
        return sepa_rules.DEFAULT_PRENOTIFICATION_DAYS

    def sepa_earliest_collection_date(self, today):
        return sepa_rules.earliest_collection_date(today,
            self.sepa_lead_days or 0, self.sepa_prenotification_days or 0)


class _Stream:
    "What the host's sepa_generate_message expects of a Genshi stream"

    def __init__(self, group, version):
        self.group = group
        self.version = version

    def filter(self, *filters):
        return self

    def render(self):
        message = self.group._get_sepa_message()
        problems = self.group._check_sepa_message(message)
        try:
            if problems:
                raise pain008.InvalidMessage(problems)
            data = pain008.build(message, self.version)
        except pain008.InvalidMessage as exception:
            raise SepaFileError(gettext('mentorsig_sepa.msg_file_invalid',
                    group=self.group.rec_name,
                    problems='\n'.join(
                        problem_text(p) for p in exception.problems)))
        return data.decode('utf-8')


class Template:
    "A pain.008 builder in place of the host's Genshi template"

    def __init__(self, version):
        self.version = version

    def generate(self, group, **context):
        return _Stream(group, self.version)


class Group(metaclass=PoolMeta):
    __name__ = 'account.payment.group'

    def process_sepa(self):
        # Prepare Direct Debits creates its payments with the mandate, the
        # sequence type and the payment information the host's process_sepa
        # would give them (collection.py), processes them by chunks, then
        # makes the file once (sepa_release_prepared)
        if not Transaction().context.get(PREPARED):
            super().process_sepa()

    @classmethod
    def reconcile_clearing(cls, groups):
        # the host's succeed reconciles the clearing lines of all the
        # payments of the groups for each list of payments made to succeed
        # (quadratic by the lists of a return): sepa_apply_report does it
        # once after them
        if not Transaction().context.get(GROUPS_RECONCILED_AFTER):
            super().reconcile_clearing(groups)

    def sepa_release_prepared(self):
        "The end of the host's process_sepa for the prepared payments"
        self.sepa_id = uuid.uuid4().hex
        self.sepa_generate_message()

    @property
    def sepa_payments(self):
        # the host browses the group's payments as one list, and the ORM
        # checks the whole list on each instance made: quadratic in the
        # number of debits (10,000 in a file)
        pool = Pool()
        Payment = pool.get('account.payment')
        keyfunc = self.sepa_group_payment_key
        ids = [r['id'] for r in Payment.search_read(
                [('group', '=', self.id)],
                order=self._fields['payments'].order, fields_names=['id'])]
        payments = _browse(Payment, ids)
        payments.sort(key=sortable_values(keyfunc))
        for key, grouped_payments in groupby(payments, key=keyfunc):
            yield dict(key), list(grouped_payments)

    def get_sepa_template(self):
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        flavor = self.journal.sepa_receivable_flavor
        # a company without MentorSiG keeps the host's files, but for the
        # version only we make
        if (self.kind == 'receivable' and flavor in OUR_VERSIONS
                and (flavor not in HOST_VERSIONS
                    or Configuration.enabled_companies([self.company]))):
            return Template(flavor)
        return super().get_sepa_template()

    def _check_sepa_message(self, message):
        problems = []
        if self.journal.currency.code != 'EUR':
            problems.append(pain008.Problem(
                    'currency', value=self.journal.currency.code))
        return problems

    def _get_sepa_message(self):
        journal = self.journal
        party = self.company.party
        account_number = journal.sepa_bank_account_number
        initiating_id = None
        if journal.sepa_receivable_initiator_id:
            initiating_id = party.get_sepa_identifier(
                journal.sepa_receivable_initiator_id)['Id']
        message = pain008.Message(
            id=self.sepa_message_id,
            created=dt.datetime.now(),
            creditor_name=party.name,
            creditor_address=sepa_address(party.address_get()),
            creditor_iban=account_number.compact_iban,
            creditor_bic=account_number.account.bank.bic or '',
            creditor_identifier=party.sepa_creditor_identifier_used or '',
            initiating_party_name=self.sepa_initiating_party.name,
            initiating_party_id=initiating_id,
            charge_bearer=journal.sepa_charge_bearer)
        for key, payments in self.sepa_payments:
            message.payment_infos.append(pain008.PaymentInfo(
                    id=key['payment_info'],
                    collection_date=key['date'],
                    scheme=key['scheme'],
                    sequence_type=key['sequence_type'],
                    batch_booking=bool(journal.sepa_batch_booking),
                    debits=[p._get_sepa_debit() for p in payments]))
        return message


class Payment(DeferredValidationMixin, metaclass=PoolMeta):
    __name__ = 'account.payment'
    _deferred_validation_size = 1000

    sepa_prenotified = fields.Timestamp("Pre-notified", readonly=True,
        states={
            'invisible': ~Eval('sepa_prenotified'),
            },
        help="When the debtor was told the amount and the date.")

    sepa_reject_fee_invoice = fields.Many2One('account.invoice',
        "Reject Fee Invoice", readonly=True,
        states={
            'invisible': ~Eval('sepa_reject_fee_invoice'),
            },
        help="The invoice of the fee charged for the bank's reject.")

    @classmethod
    def write(cls, *args):
        # the host saves the payments of a batch (process_sepa, the
        # clearing's update_reconciled) through save, which writes each
        # payment alone: one UPDATE per payment for the same few values
        super().write(*merge_writes(args))

    @classmethod
    def copy(cls, payments, default=None):
        default = default.copy() if default else {}
        default.setdefault('sepa_prenotified')
        default.setdefault('sepa_reject_fee_invoice')
        return super().copy(payments, default=default)

    @property
    def sepa_masked_iban(self):
        "The debtor's IBAN as an email shows it: country and last digits"
        number = self.sepa_bank_account_number
        if number and number.compact_iban:
            iban = number.compact_iban
            return '%s ... %s' % (iban[:4], iban[-4:])
        return ''

    @classmethod
    def sepa_prenotify(cls, payments):
        """Email each debtor the amount, date, mandate reference and
        creditor identifier of its debit, in its language, once"""
        pool = Pool()
        Email = pool.get('ir.email')
        Template = pool.get('ir.email.template')
        ModelData = pool.get('ir.model.data')
        template_id = ModelData.get_id(
            'mentorsig_sepa', 'email_template_prenotification')
        to_save = []
        for payment in cls.browse(payments):
            if (payment.sepa_prenotified
                    or payment.state not in {'processing', 'succeeded'}):
                continue
            mechanism = payment.party.contact_mechanism_get('email')
            if not mechanism or not mechanism.email:
                continue
            language = payment.party.lang.code if payment.party.lang else None
            with Transaction().set_context(language=language):
                values = Template(template_id).get(payment)
            Email.send(to=mechanism.value, subject=values['subject'],
                body=values['body'], record=(cls.__name__, payment.id))
            payment.sepa_prenotified = dt.datetime.now()
            to_save.append(payment)
        cls.save(to_save)

    def _get_sepa_debit(self):
        mandate = self.sepa_mandate
        number = self.sepa_bank_account_number
        bank = number.account.bank if number else None
        return pain008.Debit(
            end_to_end_id=self.sepa_end_to_end_id,
            instruction_id=self.sepa_instruction_id,
            amount=self.amount,
            mandate_id=mandate.identification or '',
            mandate_signature_date=mandate.signature_date,
            debtor_name=self.party.name,
            debtor_address=sepa_address(
                mandate.address or self.party.address_get()),
            debtor_iban=number.compact_iban if number else '',
            debtor_bic=(bank.bic if bank else '') or '',
            remittance=self.sepa_remittance_information or '',
            label=self.party.rec_name)

    @classmethod
    def sepa_apply_report(cls, report, company):
        """Apply the returns of a status.Report to the payments of company.

        Settled debits succeed (the clearing move pays the invoice),
        rejected or returned ones fail (the invoice is open again) with the
        reason; a payment already in the state the file gives is left alone,
        so the same file applied twice changes nothing the second time."""
        pool = Pool()
        Group = pool.get('account.payment.group')
        Mandate = pool.get('account.payment.sepa.mandate')
        by_id = {}
        ids = {int(t.end_to_end_id) for t in report.transactions
            if t.end_to_end_id.isdigit()}
        for sub_ids in _chunks(sorted(ids), 1000):
            for payment in cls.search([
                        ('id', 'in', sub_ids),
                        ('company', '=', company.id),
                        ('kind', '=', 'receivable'),
                        ('journal.process_method', '=', 'sepa'),
                        ]):
                by_id[payment.sepa_end_to_end_id] = payment
        failures = {}  # payment -> (code, information)
        # whole files rejected are the creditor's mistake: no fee
        file_rejects = set()
        to_succeed = defaultdict(list)  # value date -> payments
        for rejection in report.rejections:
            groups = Group.search([
                    ('company', '=', company.id),
                    ('kind', '=', 'receivable'),
                    ['OR',
                        ('sepa_id', '=', rejection.message_id),
                        ('number', '=', rejection.message_id),
                        ],
                    ])
            for group in groups:
                for payment in group.payments:
                    if (not rejection.payment_info_id
                            or payment.sepa_info_id
                            == rejection.payment_info_id):
                        failures[payment] = (
                            rejection.reason, '/RTYP/RJCT')
                        file_rejects.add(payment)
        for transaction in report.transactions:
            payment = by_id.get(transaction.end_to_end_id)
            if not payment:
                continue
            if transaction.status == 'settled':
                if payment.state == 'processing' and payment not in failures:
                    to_succeed[transaction.date].append(payment)
            elif transaction.status == 'rejected':
                failures[payment] = (transaction.reason, '/RTYP/RJCT')
                file_rejects.discard(payment)
            else:
                failures[payment] = (
                    transaction.reason, transaction.information or '')
                file_rejects.discard(payment)
        to_fail = []
        for payment, (code, information) in failures.items():
            if payment.state not in {'processing', 'succeeded'}:
                continue
            payment.sepa_return_reason_code = code or None
            payment.sepa_return_reason_information = information or None
            to_fail.append(payment)
        with deferred_validation(), Transaction().set_context(
                **{GROUPS_RECONCILED_AFTER: True}):
            for date, payments in to_succeed.items():
                for sub_payments in _chunks(payments, SUCCEED):
                    with Transaction().set_context(
                            clearing_date=date, date_value=date):
                        cls.succeed(sub_payments)
        # what the host's succeed does for each list, once for them all
        Group.reconcile_clearing(Group.browse(sorted({p.group.id
                        for payments in to_succeed.values()
                        for p in payments if p.group})))
        for sub_payments in _chunks(to_fail, 1000):
            cls.save(sub_payments)
            cls.fail(sub_payments)
        ending = {p.sepa_mandate for p in to_fail
            if p.sepa_mandate and p.sepa_mandate.state == 'validated'
            and p.sepa_return_reason_code
            in status.MANDATE_ENDING_REASONS}
        if ending:
            Mandate.cancel(list(ending))
        cls.sepa_invoice_reject_fees(
            [p for p in to_fail if p not in file_rejects])
        return sum(len(p) for p in to_succeed.values()), len(to_fail)

    @classmethod
    def sepa_invoice_reject_fees(cls, payments):
        """Invoice (posted) the reject fee of each payment's bank profile,
        once per payment"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices, to_save = [], []
        for payment in payments:
            invoice = payment._get_sepa_reject_fee_invoice()
            if invoice:
                invoices.append(invoice)
                payment.sepa_reject_fee_invoice = invoice
                to_save.append(payment)
        if invoices:
            Invoice.save(invoices)
            Invoice.post(invoices)
            cls.save(to_save)
        return invoices

    def _get_sepa_reject_fee_invoice(self):
        "The unsaved invoice of the reject fee of the payment, or None"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('account.invoice.line')
        Date = pool.get('ir.date')
        journal = self.journal
        product = journal.sepa_reject_fee_product
        if not product or self.sepa_reject_fee_invoice:
            return None
        party = self.party
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        invoice = Invoice(company=self.company, type='out', party=party,
            invoice_address=party.address_get(type='invoice'),
            currency=self.currency, account=party.account_receivable_used,
            invoice_date=today, payment_term=party.customer_payment_term)
        invoice.set_journal()
        line = Line(invoice=invoice, type='line', product=product,
            quantity=1)
        line.on_change_invoice()
        line.on_change_product()
        if journal.sepa_reject_fee_amount is not None:
            line.unit_price = journal.sepa_reject_fee_amount
        language = party.lang.code if party.lang else None
        with Transaction().set_context(language=language):
            line.description = gettext(
                'mentorsig_sepa.msg_reject_fee_description',
                product=Pool().get('product.product')(product.id).rec_name,
                reference=self._sepa_reject_fee_reference(),
                reason=self.sepa_return_reason_code or '')
        invoice.lines = [line]
        return invoice

    def _sepa_reject_fee_reference(self):
        origin = self.line.move.origin if self.line and self.line.move \
            else None
        number = getattr(origin, 'number', None)
        return number or self.sepa_remittance_information or self.rec_name


def merge_writes(args):
    """The (records, values, ...) arguments of a write, the records that
    are given the same values in one pair (in the order of their first
    pair), when no record is in two pairs; else args as they are"""
    if len(args) <= 2:
        return args
    groups, seen = {}, set()
    for records, values in zip(args[::2], args[1::2]):
        ids = {r.id for r in records}
        if not seen.isdisjoint(ids):
            return args
        seen |= ids
        try:
            # 1 == True == Decimal(1): the type is in the key
            key = tuple(sorted(
                    (k, type(v), v) for k, v in values.items()))
            hash(key)
        except TypeError:  # lists of x2many actions: written alone
            key = object()
        groups.setdefault(key, ([], values))[0].extend(records)
    return tuple(x for pair in groups.values() for x in pair)


def _chunks(values, size):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _browse(Model, ids):
    "The records of ids, browsed by lists of BROWSE"
    records = []
    for sub_ids in _chunks(ids, BROWSE):
        records.extend(Model.browse(sub_ids))
    return records


class Message(metaclass=PoolMeta):
    __name__ = 'account.payment.sepa.message'

    def parse(self):
        pool = Pool()
        Payment = pool.get('account.payment')
        try:
            report = status.parse(self.message or b'')
        except status.InvalidReturn as exception:
            raise ReturnFileError(gettext(
                    'mentorsig_sepa.msg_return_%s' % exception.code,
                    message=self.rec_name,
                    size=status.MAX_SIZE // (1024 * 1024)))
        Payment.sepa_apply_report(report, self.company)
