# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exactly once with two real processes: both run the scheduler's
generation at the same moment over the same 200 due templates; exactly
200 invoices come out, posted, with gapless numbers, and neither process
nor any template meets an error.  PostgreSQL only (see conftest.py)."""
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from pg_sessions import disconnect_others

from mentorsig_recurring.recurrence import following_date

TEMPLATES = 200
HERE = os.path.dirname(os.path.abspath(__file__))


def _config_file(directory):
    import trytond.config as config
    path = os.path.join(directory, 'trytond.conf')
    with open(path, 'w') as fp:
        fp.write('[database]\n')
        fp.write('uri = %s\n' % config.get('database', 'uri'))
        fp.write('path = %s\n' % config.get('database', 'path'))
    return path


def _make_templates(config):
    from bench_books import in_transaction, open_books
    from proteus import Model
    company, accounts, tax = open_books()
    revenue = accounts['revenue']
    revenue.taxes.append(tax)
    revenue.save()
    Party = Model.get('party.party')
    # with the address an invoice needs (the form gives one, not create)
    customers = Party.create([{
                'name': "Client %s" % i,
                'addresses': [('create', [{
                                'street': "%s rue de la Paix" % i,
                                'postal_code': '75002', 'city': "Paris",
                                }])],
                } for i in range(20)], config.context)

    def create():
        from trytond.pool import Pool
        Template = Pool().get('mentorsig.recurring.template')
        today = dt.date.today()
        vlist = [{
                'company': company.id,
                'party': customers[i % len(customers)],
                'currency': company.currency.id,
                'name': "Abonnement %s" % i,
                'start_date': today,
                'next_date': today,
                'frequency': 'monthly',
                'generation': 'post',
                'state': 'running',
                'lines': [('create', [{
                                'description': "Abonnement",
                                'quantity': 1,
                                'price': 'fixed',
                                'unit_price': Decimal(10 + i),
                                'account': revenue.id,
                                }])],
                } for i in range(TEMPLATES)]
        return [t.id for t in Template.create(vlist)]
    return company, in_transaction(config, create)


def test_two_processes_generate_each_period_once():
    from mentorsig_suite import activate_suite
    from proteus import Model
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests.test_tryton import DB_NAME

    config = activate_suite(create_company, create_chart)
    company, ids = _make_templates(config)
    conf = _config_file(tempfile.mkdtemp(prefix='mentorsig-recurring-'))
    start_at = time.time() + 8
    processes = [subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'generate_process.py'),
                conf, DB_NAME, str(company.id), str(start_at)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        for _ in range(2)]
    try:
        outputs = [p.communicate(timeout=900) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        disconnect_others(DB_NAME)
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-3000:]
        assert 'generated' in out
        assert 'Traceback' not in err, err[-3000:]

    Invoice = Model.get('account.invoice')
    Template = Model.get('mentorsig.recurring.template')
    invoices = Invoice.find([('recurring_template', 'in', ids)])
    assert len(invoices) == TEMPLATES
    assert {i.state for i in invoices} == {'posted'}
    assert sorted(i.recurring_template.id for i in invoices) == sorted(ids)
    numbers = sorted(int(re.sub(r'\D', '', i.number)) for i in invoices)
    assert numbers == list(range(numbers[0], numbers[0] + TEMPLATES))
    templates = Template.find([('id', 'in', ids)])
    assert {t.error for t in templates} == {None}
    today = dt.date.today()
    assert {t.next_date for t in templates} == {
        following_date(today, today, 'monthly')}
    Batch = Model.get('mentorsig.invoice.batch')
    batches = Batch.find([('kind', '=', 'recurring')])
    # one run per process that found templates due (the later one may
    # find none left), none failed
    assert 1 <= len(batches) <= 2
    assert sum(b.failed for b in batches) == 0
    assert sum(b.done for b in batches) >= TEMPLATES
