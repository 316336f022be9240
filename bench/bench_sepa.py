#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SEPA direct debits: ours against the host's native path.

    .venv/bin/python bench/bench_sepa.py [--debits 10000] [--invoices 1000]
        [--backend sqlite|postgresql|both]

Three figures, each measured in one run against the host:

- build: --debits debits made into one pain.008.001.08 file and validated
  against the official XSD (iso20022/pain008.py), against the host's
  Genshi template for pain.008.001.02 (account_payment_sepa/template)
  rendering the same debits (read from plain objects on both sides: the
  ORM reading is the same for both and measured in "batch");
- batch: --invoices posted invoices of customers with a mandate become
  payments, one group per scheme and sequence type and a validated file
  (Prepare Direct Debits, `Collect.create_batches`), against the host's
  Create Direct Debits (`MoveLine.pay_direct_debit`) then its Process
  wizard (`Payment.process` with a group, its Genshi pain.008.001.02);
- returns: a camt.054 settling every debit of the batch applied (payments
  succeed, clearing moves reconcile the invoices, so they are paid), ours
  (`Message.parse`) against the host's CAMT054 handler on the same file.

The databases are the test suite's (DB_CACHE, tests/run.py): the suite's
modules, a company, a chart (the scenarios' cached database, so a run
after the tests activates no module), 100 customers with a signed mandate
and the invoices, made once and cached (creating and posting invoices runs
at about 8 per second on an idle machine, 0.3 per second at a load of 8). Each side starts from its own copy of
the same database; its batch and its returns are timed in their own
transactions (the last run when trytond's lock protocol restarts one). Ends with the line
`bench_sepa: build Xs, batch Ys, returns ratio Z (<backend>)`.
"""
import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, 'tests'),
    os.path.join(ROOT, 'tests', 'lib')]

import run as test_run  # noqa: E402  (tests/run.py: DB_CACHE and hash)
from bench_books import in_transaction  # noqa: E402

CUSTOMERS = 100
CHUNK = 50


def debits_data(count):
    "count debits as plain data, names with accents and symbols"
    from sepa_bank_files import sample_debit
    return [sample_debit(i, amount=Decimal(10 + i % 990) + Decimal('0.25'),
            name="Client n°%d « Émile & Zoé »" % i,
            remittance="FA2026-%06d" % i) for i in range(count)]


def host_group(message):
    "The objects the host's Genshi template reads, for the same debits"
    def party(name, address):
        return SimpleNamespace(name=name, address_get=lambda: address,
            get_sepa_identifier=lambda id: {
                'Type': 'PrvtId', 'Id': message.creditor_identifier,
                'SchmeNm': {'Prtry': 'SEPA'}})

    def address(a):
        return SimpleNamespace(street_name=a.street, building_number='',
            postal_code=a.postal_code, city=a.town, subdivision=None,
            country=SimpleNamespace(code=a.country),
            street_unstructured='')

    def number(iban, bic):
        return SimpleNamespace(compact_iban=iban, account=SimpleNamespace(
                currency=None, bank=SimpleNamespace(bic=bic)))
    eur = SimpleNamespace(code='EUR')
    info = message.payment_infos[0]
    payments = []
    for debit in info.debits:
        payments.append(SimpleNamespace(
                sepa_instruction_id=debit.end_to_end_id,
                sepa_end_to_end_id=debit.end_to_end_id,
                currency=eur, amount=debit.amount,
                sepa_mandate=SimpleNamespace(
                    identification=debit.mandate_id,
                    signature_date=debit.mandate_signature_date),
                sepa_bank_account_number=number(
                    debit.debtor_iban, debit.debtor_bic),
                party=party(debit.debtor_name,
                    address(debit.debtor_address)),
                sepa_remittance_information=debit.remittance))
    company = party(message.creditor_name,
        address(message.creditor_address))
    key = {'payment_info': info.id, 'date': info.collection_date,
        'sequence_type': info.sequence_type, 'scheme': info.scheme}
    return SimpleNamespace(sepa_message_id=message.id,
        sepa_payments=[(key, payments)], payments=payments,
        sepa_initiating_party=company,
        company=SimpleNamespace(party=company),
        journal=SimpleNamespace(sepa_receivable_initiator_id=None,
            sepa_batch_booking=True, sepa_charge_bearer='SLEV',
            sepa_bank_account_number=number(
                message.creditor_iban, message.creditor_bic)))


PROFILE = None  # --profile: the cProfile figures of our side's phases


class profiled:
    "cProfile of a phase of ours, printed when --profile is given"

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if PROFILE:
            import cProfile
            self.profile = cProfile.Profile()
            self.profile.enable()

    def __exit__(self, *exc):
        if PROFILE:
            import pstats
            self.profile.disable()
            print(f"  profile of {self.name}:", flush=True)
            pstats.Stats(self.profile, stream=sys.stdout).sort_stats(
                'cumulative').print_stats(PROFILE)


def best(function, rounds=3):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def bench_build(count):
    import unicodedata

    from sepa_bank_files import sample_message
    from trytond.modules.account_payment_sepa.payment import (
        loader, remove_comment)

    from mentorsig_sepa.iso20022 import pain008
    message = sample_message(debits_data(count))
    ours, data = best(lambda: pain008.build(message, 'pain.008.001.08'))
    assert data.count(b'<DrctDbtTxInf>') == count
    group = host_group(message)
    template = loader.load('pain.008.001.02.xml')

    def host():
        return template.generate(group=group, datetime=dt,
            normalize=unicodedata.normalize).filter(
            remove_comment).render().encode('utf8')
    host_time, host_data = best(host, rounds=1)
    validation, _ = best(lambda: pain008.validate(
            host_data, 'pain.008.001.02'), rounds=1)
    print(f"build {count} debits: ours pain.008.001.08 built and validated "
        f"{ours:.2f}s, host Genshi pain.008.001.02 {host_time:.2f}s "
        f"(+{validation:.2f}s to validate it), ratio host/ours "
        f"{host_time / ours:.1f}", flush=True)
    return ours


def make_prepare(invoices):
    def prepare(config):
        from bench_books import open_books
        company, accounts, tax = open_books()
        cash = accounts['cash']
        cash_ids = (cash.type.id, cash.parent.id)
        in_transaction(config, lambda: setup_sepa(config, cash_ids))
        setup_invoices(config, invoices, accounts['revenue'].id, tax.id)
    prepare.__name__ = prepare.__qualname__ = 'sepa_bench_%d' % invoices
    return prepare


def setup_sepa(config, cash_ids):
    "The company in EUR, its creditor id, bank profile, customers, mandates"
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Country = pool.get('country.country')
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    BankAccount = pool.get('bank.account')
    PaymentJournal = pool.get('account.payment.journal')
    Journal = pool.get('account.journal')
    Account = pool.get('account.account')
    Mandate = pool.get('account.payment.sepa.mandate')
    Reception = pool.get('party.party.reception_direct_debit')
    from demo.identifiers import make_french_iban
    company, = Company.search([])
    eur, = Currency.search([('code', '=', 'EUR')]) or Currency.create([{
                'name': "Euro", 'code': 'EUR', 'symbol': '€',
                'rounding': Decimal('0.01'), 'digits': 2}])
    company.currency = eur
    company.save()
    france, = Country.create([{'name': "France", 'code': 'FR'}])
    Party.write([company.party], {'identifiers': [('create', [{
                        'type': 'eu_at_02', 'code': 'FR72ZZZ123456'}])]})
    address, = company.party.addresses
    address.street = "15 rue des Invalides"
    address.postal_code, address.city, address.country = (
        '75007', "Paris", france)
    address.save()
    bank_party, = Party.create([{'name': "Banque"}])
    bank, = Bank.create([{'party': bank_party.id, 'bic': 'CCBPFRPPXXX'}])
    company_account, = BankAccount.create([{'bank': bank.id,
                'owners': [('add', [company.party.id])],
                'numbers': [('create', [{'type': 'iban',
                                'number': make_french_iban(
                                    10207, 11, 98765432101)}])]}])
    clearing, = Account.create([{'name': "Clearing", 'company': company.id,
                'type': cash_ids[0], 'reconcile': True,
                'parent': cash_ids[1]}])
    cash_journal, = Journal.search([('type', '=', 'cash')], limit=1)
    profile, = PaymentJournal.create([{'name': "SEPA", 'company': company.id,
                'currency': eur.id, 'process_method': 'sepa',
                'sepa_bank_account_number': company_account.numbers[0].id,
                'sepa_receivable_flavor': 'pain.008.001.08',
                'sepa_payable_flavor': 'pain.001.001.03',
                'clearing_account': clearing.id,
                'clearing_journal': cash_journal.id}])
    parties = Party.create([{'name': "Client %03d Éloïse" % i,
                'addresses': [('create', [{'street': "%d rue Haute" % i,
                                'postal_code': '69002', 'city': "Lyon",
                                'country': france.id}])]}
            for i in range(CUSTOMERS)])
    numbers = []
    for i, party in enumerate(parties):
        account, = BankAccount.create([{'bank': bank.id,
                    'owners': [('add', [party.id])],
                    'numbers': [('create', [{'type': 'iban',
                                    'number': make_french_iban(
                                        30004, 100 + i, 10000000 + i)}])]}])
        numbers.append(account.numbers[0])
    mandates = Mandate.create([{'party': p.id, 'company': company.id,
                'account_number': n.id, 'address': p.addresses[0].id,
                'identification': 'RUM-%05d' % i, 'type': 'recurrent',
                'scheme': 'CORE', 'signature_date': dt.date(2026, 1, 5),
                'state': 'validated'}
            for i, (p, n) in enumerate(zip(parties, numbers))])
    Reception.create([{'party': m.party.id, 'journal': profile.id,
                'type': 'line', 'sepa_mandate': m.id} for m in mandates])


def setup_invoices(config, count, revenue_id, tax_id):
    "count invoices of one line at 20 % VAT, posted, 50 per transaction"
    from trytond.pool import Pool

    def create(offset):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Party = pool.get('party.party')
        Journal = pool.get('account.journal')
        parties = Party.search([('name', 'like', 'Client %')],
            order=[('name', 'ASC')])
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        date = dt.date.today() - dt.timedelta(days=1)
        vlist = []
        for i in range(offset, min(offset + CHUNK, count)):
            party = parties[i % len(parties)]
            vlist.append({'type': 'out', 'party': party.id,
                    'invoice_address': party.addresses[0].id,
                    'account': party.account_receivable_used.id,
                    'journal': journal.id, 'invoice_date': date,
                    'lines': [('create', [{'type': 'line',
                                    'description': "Abonnement",
                                    'quantity': 1.0, 'account': revenue_id,
                                    'unit_price': Decimal(10 + i % 90),
                                    'taxes': [('add', [tax_id])]}])]})
        Invoice.post(Invoice.create(vlist))
    start = time.perf_counter()
    for offset in range(0, count, CHUNK):
        in_transaction(config, lambda offset=offset: create(offset))
    print(f"  {count} invoices posted in {time.perf_counter() - start:.0f}s",
        flush=True)


def database(invoices):
    """The bench's database: cached under the host's DB_CACHE name of
    activate_modules(SUITE_MODULES, create_company, create_chart, prepare),
    else made from the scenarios' cached database (the suite, a company, a
    chart: activate_suite) with only the bench's set-up run: no module
    activation of its own once the tests ran on these sources"""
    from proteus import config as proteus_config
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests import test_tryton
    from trytond.tests.tools import _func_name

    from mentorsig_suite import SUITE_MODULES, activate_suite
    from mentorsig_suite import _forget_caches as forget_caches
    start = time.perf_counter()
    prepare = make_prepare(invoices)
    name = '-'.join(sorted(SUITE_MODULES)) + '--' + '|'.join(
        _func_name(f) for f in [create_company, create_chart, prepare])
    if test_tryton.restore_db_cache(name):
        forget_caches()
        config = proteus_config.set_trytond()
    else:
        config = activate_suite(create_company, create_chart)
        prepare(config=config)
        test_tryton.backup_db_cache(name)
    print(f"  database ready in {time.perf_counter() - start:.1f}s",
        flush=True)
    return config


def ours_batch_and_returns(config):
    """Prepare Direct Debits, then the camt.054 of its files applied, each
    in its transaction (the lock protocol may restart it: the last run is
    timed)"""
    from trytond.pool import Pool

    import sepa_bank_files

    def batch():
        pool = Pool()
        Collect = pool.get('mentorsig.sepa.collect', type='wizard')
        Journal = pool.get('account.payment.journal')
        journal, = Journal.search([('process_method', '=', 'sepa')])
        date = journal.sepa_earliest_collection_date(dt.date.today())
        kept, left_out = Collect.get_candidates(
            journal, dt.date.today(), date)
        assert kept and not left_out, left_out[:2]
        start = time.perf_counter()
        with profiled('batch'):
            groups = Collect.create_batches(journal, dt.date.today(), date)
        elapsed = time.perf_counter() - start
        files = [g.sepa_messages[0].message for g in groups]
        count = sum(len(g.payments) for g in groups)
        return count, elapsed, files, date, journal.company.id
    count, batch_time, files, date, company_id = in_transaction(
        config, batch)
    notifications = [sepa_bank_files.camt054(f, value_date=date,
            version='camt.054.001.04') for f in files]

    def returns():
        pool = Pool()
        Message = pool.get('account.payment.sepa.message')
        start = time.perf_counter()
        with profiled('returns'):
            for data in notifications:
                message, = Message.create([{'type': 'in', 'message': data,
                            'company': company_id}])
                Message.wait([message])
                Message.do([message])
        elapsed = time.perf_counter() - start
        return elapsed, reconciled()
    returns_time, paid = in_transaction(config, returns)
    return count, batch_time, returns_time, paid


def reconciled():
    """The invoices whose receivable is reconciled: paid once the queued
    Invoice.process runs (after the commit, by the worker)"""
    from trytond.pool import Pool
    Line = Pool().get('account.move.line')
    return Line.search_count([
            ('reconciliation', '!=', None),
            ('move.origin', 'like', 'account.invoice,%'),
            ('account.type.receivable', '=', True),
            ])


def host_batch_and_returns(config):
    """The host's Create Direct Debits and Process, then its CAMT054
    handler on the camt.054 of the file"""
    from io import BytesIO

    from trytond.modules.account_payment_sepa.sepa_handler import CAMT054
    from trytond.pool import Pool

    import sepa_bank_files

    def batch():
        pool = Pool()
        Line = pool.get('account.move.line')
        Payment = pool.get('account.payment')
        Group = pool.get('account.payment.group')
        start = time.perf_counter()
        payments = Line.pay_direct_debit(date=dt.date.today())
        Payment.submit(payments)
        group = Group(company=payments[0].company,
            journal=payments[0].journal, kind='receivable')
        group.save()
        Payment.process(payments, lambda: group)
        elapsed = time.perf_counter() - start
        return len(payments), elapsed, group.sepa_messages[0].message
    try:
        count, batch_time, data = in_transaction(config, batch)
    except Exception as exception:
        return exception
    # the host's handler takes CRDT for a payable: give it what it matches
    notification = sepa_bank_files.camt054(data,
        version='camt.054.001.04', settled_indicator='DBIT')

    def returns():
        pool = Pool()
        Payment = pool.get('account.payment')
        start = time.perf_counter()
        CAMT054(BytesIO(notification), Payment)
        elapsed = time.perf_counter() - start
        return elapsed, reconciled()
    returns_time, paid = in_transaction(config, returns)
    return count, batch_time, returns_time, paid


def drop_committed(config):
    "Each side commits its work: the next starts from a fresh copy"
    from trytond.tests.test_tryton import drop_db
    drop_db()


def bench_database(backend, invoices):
    from trytond.pool import Pool
    import conftest  # noqa: F401  (the suite's DB_CACHE naming)
    print(f"\n{backend}: {invoices} invoices", flush=True)

    def measured(function):
        config = database(invoices)
        # the test mode also validates function fields on every write; a
        # server does not
        Pool.test = False
        try:
            return function(config)
        finally:
            Pool.test = True
            drop_committed(config)
    count, batch, returns, paid = measured(ours_batch_and_returns)
    print(f"  ours: {count} debits prepared (payments, groups, validated "
        f"file) in {batch:.1f}s; camt.054 applied in {returns:.1f}s, "
        f"{paid} invoices reconciled", flush=True)
    host = measured(host_batch_and_returns)
    if isinstance(host, Exception):
        print(f"  host: failed: {host!r:.200}", flush=True)
        return batch, None
    h_count, h_batch, h_returns, h_paid = host
    print(f"  host: {h_count} debits (Create Direct Debits + Process, "
        f"Genshi pain.008.001.02) in {h_batch:.1f}s; its camt.054 handler "
        f"in {h_returns:.1f}s, {h_paid} invoices reconciled", flush=True)
    print(f"  ratios host/ours: batch {h_batch / batch:.2f}, returns "
        f"{h_returns / returns:.2f}", flush=True)
    return batch, h_returns / returns


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--debits', type=int, default=10_000)
    parser.add_argument('--invoices', type=int, default=1_000)
    parser.add_argument('--backend', default='both',
        choices=['sqlite', 'postgresql', 'both'])
    parser.add_argument('--profile', type=int, default=0, metavar='N',
        help="print the N most costly calls of our batch and returns")
    args = parser.parse_args()
    global PROFILE
    PROFILE = args.profile
    if args.backend == 'both':
        # one process per backend: trytond picks its backend once
        import subprocess
        lines = []
        for backend in ['sqlite', 'postgresql']:
            output = subprocess.run([sys.executable, __file__,
                    '--debits', str(args.debits),
                    '--invoices', str(args.invoices),
                    '--backend', backend],
                check=True, stdout=subprocess.PIPE, text=True).stdout
            print(output, end='', flush=True)
            lines.append(output.strip().splitlines()[-1])
        print('\n'.join(lines))
        return 0
    # before any import of trytond: it picks its backend once
    os.environ.update(test_run.backend_environ(args.backend))
    build = bench_build(args.debits)
    batch, ratio = bench_database(args.backend, args.invoices)
    ratio = f"{ratio:.1f}" if ratio else "n/a (the host failed)"
    print(f"bench_sepa: build {build:.2f}s, batch {batch:.1f}s, "
        f"returns ratio {ratio} ({args.backend})")
    return 0


if __name__ == '__main__':
    sys.exit(main())
