# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A batch of direct debits validates each payment once, over its final
values (mentorsig_invoicing/validation.py, also used by the bulk posting):
a value that breaks a domain still raises, at the end of the block, and
rolls the transaction back."""
import datetime as dt
from decimal import Decimal

import pytest
from pg_sessions import disconnect_others


@pytest.fixture(autouse=True)
def _disconnect():
    yield
    from trytond.tests.test_tryton import DB_NAME
    disconnect_others(DB_NAME)


@pytest.fixture(scope='module')
def payment():
    "A draft payment of 10.00 on a manual payment journal"
    from mentorsig_suite import activate_suite
    from proteus import Model
    from trytond.modules.company.tests.tools import create_company, get_company

    config = activate_suite(create_company)
    company = get_company()
    Journal = Model.get('account.payment.journal')
    journal = Journal(name="Manual", process_method='manual',
        currency=company.currency)
    journal.save()
    Party = Model.get('party.party')
    customer = Party(name="Client")
    customer.save()
    Payment = Model.get('account.payment')
    payment = Payment(journal=journal, kind='receivable', party=customer,
        amount=Decimal('10.00'), date=dt.date.today())
    payment.save()
    return config, payment.id


def _write(config, payment_id, *amounts, deferred=True):
    "Write the amounts one after the other, deferred or not; the last read"
    from bench_books import in_transaction
    from trytond.pool import Pool

    from mentorsig_invoicing.validation import deferred_validation
    steps = []

    def write():
        Payment = Pool().get('account.payment')
        payment = Payment(payment_id)
        if deferred:
            with deferred_validation():
                for amount in amounts:
                    Payment.write([payment], {'amount': amount})
                    steps.append(amount)
        else:
            for amount in amounts:
                Payment.write([payment], {'amount': amount})
                steps.append(amount)
        return Payment(payment_id).amount
    try:
        return in_transaction(config, write), steps
    finally:
        del steps[:]


def _amount(config, payment_id):
    from bench_books import in_transaction
    from trytond.pool import Pool
    return in_transaction(config,
        lambda: Pool().get('account.payment')(payment_id).amount)


def test_a_value_breaking_a_domain_raises_when_the_block_ends(payment):
    from trytond.model.exceptions import DomainValidationError

    from mentorsig_invoicing.validation import deferred_validation
    from bench_books import in_transaction
    from trytond.pool import Pool
    config, payment_id = payment
    written = []

    def write():
        Payment = Pool().get('account.payment')
        with deferred_validation():
            Payment.write([Payment(payment_id)], {'amount': Decimal(-1)})
            # not validated yet: the block goes on
            written.append(Payment(payment_id).amount)
    with pytest.raises(DomainValidationError):
        in_transaction(config, write)
    assert written == [Decimal(-1)]
    # rolled back
    assert _amount(config, payment_id) == Decimal('10.00')


def test_the_final_values_are_validated(payment):
    config, payment_id = payment
    # a draft's amount must be positive: -1 then 12 ends valid
    amount, _ = _write(config, payment_id, Decimal(-1), Decimal('12.00'))
    assert amount == Decimal('12.00')
    assert _amount(config, payment_id) == Decimal('12.00')


def test_outside_a_block_the_host_validates_each_write(payment):
    from trytond.model.exceptions import DomainValidationError
    config, payment_id = payment
    with pytest.raises(DomainValidationError):
        _write(config, payment_id, Decimal(-1), Decimal('12.00'),
            deferred=False)


def test_a_record_deleted_in_the_block_is_not_validated(payment):
    from bench_books import in_transaction
    from trytond.pool import Pool

    from mentorsig_invoicing.validation import deferred_validation
    config, payment_id = payment

    def create_and_delete():
        Payment = Pool().get('account.payment')
        model = Payment(payment_id)
        with deferred_validation():
            copy, = Payment.copy([model])
            Payment.write([copy], {'amount': Decimal(-1)})
            Payment.delete([copy])
            return Payment.search_count([('id', '=', copy.id)])
    assert in_transaction(config, create_and_delete) == 0


def test_a_transaction_started_in_the_block_validates_its_own(payment):
    "A chunk of the bulk posting is a transaction of its own"
    from trytond.model.exceptions import DomainValidationError
    from trytond.transaction import Transaction

    from mentorsig_invoicing.validation import deferred_validation
    from bench_books import in_transaction
    from trytond.pool import Pool
    config, payment_id = payment
    before = _amount(config, payment_id)
    raised = []

    def write():
        with deferred_validation():
            with Transaction().new_transaction() as new:
                Payment = Pool().get('account.payment')
                try:
                    Payment.write([Payment(payment_id)],
                        {'amount': Decimal(-1)})
                except DomainValidationError:
                    raised.append(True)
                new.rollback()
    in_transaction(config, write)
    assert raised == [True]
    assert _amount(config, payment_id) == before


def test_a_block_naming_other_models_validates_the_rest_at_once(payment):
    "The bulk posting defers the invoices only"
    from trytond.model.exceptions import DomainValidationError

    from mentorsig_invoicing.validation import deferred_validation
    from bench_books import in_transaction
    from trytond.pool import Pool
    config, payment_id = payment
    raised = []

    def write():
        Payment = Pool().get('account.payment')
        with deferred_validation('account.invoice'):
            try:
                Payment.write([Payment(payment_id)], {'amount': Decimal(-1)})
            except DomainValidationError:
                # inside the block, not at its end
                raised.append(True)
                raise
    with pytest.raises(DomainValidationError):
        in_transaction(config, write)
    assert raised == [True]
