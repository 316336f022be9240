# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bulk posting gives the host's ledger, exactly: one mixed set of
drafts posted both ways (the host's Post, and mentorsig_post_bulk), the
two ledgers compared line by line."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from pg_sessions import disconnect_others


@pytest.fixture(autouse=True)
def _disconnect():
    "The tasks run in this process leave sessions the next drop refuses"
    yield
    from trytond.tests.test_tryton import DB_NAME
    disconnect_others(DB_NAME)


def _drafts(accounts, taxes, customer, other_currency):
    from proteus import Model
    Invoice = Model.get('account.invoice')
    Tax = Model.get('account.tax')
    today = dt.date.today()

    def invoice(lines, currency=None, **values):
        record = Invoice(type='out', party=customer, invoice_date=today,
            **values)
        if currency:
            record.currency = currency
        for description, quantity, price, tax in lines:
            line = record.lines.new()
            line.account = accounts['revenue']
            line.description = description
            line.quantity = quantity
            line.unit_price = price
            if tax is not None:
                line.taxes.append(Tax(tax.id))
        record.save()
        return record

    normal, reduced, low = taxes
    return [
        # three VAT rates
        invoice([("Conseil", 3, Decimal('120.00'), normal),
                ("Livres", 7, Decimal('13.33'), low),
                ("Repas", 2, Decimal('45.45'), reduced)]),
        # a discount line
        invoice([("Logiciel", 1, Decimal('999.99'), normal),
                ("Remise 10 %", 1, Decimal('-100.00'), normal)]),
        # a credit note
        invoice([("Retour", -2, Decimal('120.00'), normal)],
            credit_reason="Marchandise retournée"),
        # a deposit deducted from the final invoice
        invoice([("Installation", 1, Decimal('2500.00'), normal),
                ("Acompte déduit", -1, Decimal('750.00'), normal)]),
        # another currency
        invoice([("Licence", 4, Decimal('33.37'), normal),
                ("Support", 1, Decimal('10.01'), reduced)],
            currency=other_currency),
        ]


def _ledger(invoice):
    "The invoice's accounting as comparable rows"
    move = invoice.move
    lines = sorted((
            l.account.code or l.account.name, l.debit, l.credit,
            l.amount_second_currency,
            l.second_currency.code if l.second_currency else None,
            l.party.id if l.party else None, l.maturity_date,
            tuple(sorted((t.tax.id if t.tax else None, t.type, t.amount)
                    for t in l.tax_lines)))
        for l in move.lines)
    return {
        'state': (invoice.state, move.state),
        'move': (move.journal.id, move.period.id, move.date),
        'lines': lines,
        'amounts': (invoice.untaxed_amount, invoice.tax_amount,
            invoice.total_amount),
        'taxes': sorted((t.tax.id, t.base, t.amount, t.account.id)
            for t in invoice.taxes),
        }


def test_bulk_posting_gives_the_host_ledger():
    from bench_books import in_transaction, open_books
    from mentorsig_suite import activate_suite
    from proteus import Model
    from trytond.modules.account.tests.tools import create_chart, create_tax
    from trytond.modules.company.tests.tools import create_company
    from trytond.modules.currency.tests.tools import get_currency
    from trytond.pool import Pool

    config = activate_suite(create_company, create_chart)
    _, accounts, normal = open_books()
    reduced = create_tax(Decimal('.10'))
    reduced.save()
    low = create_tax(Decimal('.055'))
    low.save()
    Party = Model.get('party.party')
    customer = Party(name="Client Grand Livre")
    customer.save()
    euro = get_currency('EUR')
    configuration = Model.get('account.configuration')(1)
    configuration.currency_exchange_credit_account = accounts['revenue']
    configuration.currency_exchange_debit_account = accounts['expense']
    configuration.save()

    host_set = _drafts(accounts, (normal, reduced, low), customer, euro)
    bulk_set = _drafts(accounts, (normal, reduced, low), customer, euro)

    Invoice = Model.get('account.invoice')
    Invoice.click(host_set, 'post')

    def bulk():
        Invoice = Pool().get('account.invoice')
        return Invoice.mentorsig_post_bulk(
            Invoice.browse([i.id for i in bulk_set]), size=2)
    posted, restarts = in_transaction(config, bulk)
    # the tasks queued at the commits, run as the dispatcher runs them
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    while Transaction._local.tasks:
        run_task(DB_NAME, Transaction._local.tasks.pop(0))
    assert posted == [i.id for i in bulk_set]
    # the sequence and the journal's period were locked up front
    assert restarts == 0

    for invoice in host_set + bulk_set:
        invoice.reload()
    for host, ours in zip(host_set, bulk_set):
        assert _ledger(ours) == _ledger(host), host.description
        assert ours.mentorsig_kind == host.mentorsig_kind
    # numbered in the same order, after the host's ones
    def rank(number):
        return int(re.search(r'(\d+)$', number).group(1))
    host_numbers = [rank(i.number) for i in host_set]
    bulk_numbers = [rank(i.number) for i in bulk_set]
    assert (sorted(range(len(host_set)), key=host_numbers.__getitem__)
        == sorted(range(len(bulk_set)), key=bulk_numbers.__getitem__))
    assert max(host_numbers) < min(bulk_numbers)
    assert len(set(host_numbers + bulk_numbers)) == 2 * len(host_set)

    # the documents were left to the queued task, which stored them
    # after the commit: the same document for each, its report the same
    for invoice in bulk_set:
        assert invoice.mentorsig_document_sha256
        assert invoice.invoice_report_cache == invoice.mentorsig_document
    assert {i.mentorsig_kind for i in bulk_set} >= {'invoice', 'credit_note'}


def test_bookkeeping_fields_are_read_by_no_validation():
    """The bulk path leaves out the host's validation of the writes of
    BOOKKEEPING_FIELDS alone: in the whole suite's pool, no field of an
    invoice has a domain, a required state or a validation depending on
    them, none of them is required or has a domain, and `validate` is the
    host's check of the payment lines (which reads none of them)"""
    from mentorsig_suite import activate_suite
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    activate_suite()
    with Transaction().start(DB_NAME, 0):
        Invoice = Pool().get('account.invoice')
        from mentorsig_invoicing.posting import BOOKKEEPING_FIELDS
        fields = Invoice._fields
        assert BOOKKEEPING_FIELDS <= set(fields)
        readers = sorted(name for name, field in fields.items()
            if field.validation_depends & BOOKKEEPING_FIELDS)
        assert readers == []
        for name in BOOKKEEPING_FIELDS:
            field = fields[name]
            assert not getattr(field, 'domain', None), name
            assert not field.required, name
            assert 'required' not in (field.states or {}), name
        # the classes that define validate or validate_fields: the host's
        # account_invoice, and our extra fields (which checks the Dict)
        def module(klass):
            parts = klass.__module__.split('.')
            return parts[2] if parts[:2] == ['trytond', 'modules'] else (
                parts[0])
        owners = sorted(module(klass) for klass in Invoice.__mro__
            if {'validate', 'validate_fields'} & set(vars(klass))
            and not klass.__module__.startswith('trytond.model'))
        assert owners == ['account_invoice', 'mentorsig_extra_field'], owners
