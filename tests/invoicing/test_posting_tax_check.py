# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Inside a chunk of the bulk posting, the move's tax check is left out
for a draft whose taxes the chunk computed (posting.py), and brought back
when one of its lines is written after that: the host computes the taxes
again on the writes of the invoice only."""
import datetime as dt
from decimal import Decimal

import pytest
from pg_sessions import disconnect_others


@pytest.fixture(autouse=True)
def _disconnect():
    yield
    from trytond.tests.test_tryton import DB_NAME
    disconnect_others(DB_NAME)


def test_a_line_written_after_the_taxes_brings_the_check_back():
    from bench_books import consulting_draft, in_transaction, open_books
    from mentorsig_suite import activate_suite
    from proteus import Model
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.account_invoice.exceptions import (
        InvoiceTaxValidationError)
    from trytond.modules.company.tests.tools import create_company
    from trytond.pool import Pool

    from mentorsig_invoicing import posting

    config = activate_suite(create_company, create_chart)
    _, accounts, tax = open_books()
    customer = Model.get('party.party')(name="Client")
    customer.save()
    invoice = consulting_draft(customer, accounts, tax, dt.date.today())
    steps = []

    def in_a_chunk():
        Invoice = Pool().get('account.invoice')
        Line = Pool().get('account.invoice.line')
        posting._chunk.memos = {'taxes': {}}
        try:
            Invoice.update_taxes([Invoice(invoice.id)])
            computed = posting.chunk_memo('taxes')['computed']
            steps.append(invoice.id in computed)
            # the stored taxes are current: the check is left out
            Invoice.update_taxes([Invoice(invoice.id)], exception=True)
            Line.write(list(Invoice(invoice.id).lines),
                {'quantity': Decimal(5)})
            steps.append(invoice.id in computed)
            try:
                Invoice.update_taxes([Invoice(invoice.id)], exception=True)
            except InvoiceTaxValidationError:
                steps.append('refused')
        finally:
            posting._chunk.memos = None
    in_transaction(config, in_a_chunk)
    assert steps == [True, False, 'refused']
