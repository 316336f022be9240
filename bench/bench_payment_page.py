#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Response times of the public payment page, by kind of token.

    .venv/bin/python bench/bench_payment_page.py [--requests 300]
        [--backend sqlite|postgresql]

A database with mentorsig_payment_links (the suite's DB_CACHE keeps it),
one posted invoice with an active link, a revoked one and an expired one.
Then GET /pay/<token> through trytond's WSGI application, the kinds
interleaved round-robin so that a busy machine slows them alike: an
active link (the page, 200), a revoked and an expired link of that
invoice, an unknown well-formed token and a malformed one (the same 404
page).  The figure that matters is how far the unusable links of an
existing invoice stand from an unknown token: that difference is what
would tell an attacker that an invoice exists.  The active page does
more (it renders the invoice) and is shown for scale.

Ends with `FIGURES {...}`: the median milliseconds per kind and the ratio
revoked/unknown and expired/unknown.
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, 'tests'),
    os.path.join(ROOT, 'tests', 'lib')]


def prepare(config):
    "The books, a customer and one posted invoice (cached)"
    from bench_books import open_books
    from proteus import Model

    _, accounts, tax = open_books()
    Party = Model.get('party.party')
    customer = Party(name="Client Lumière")
    customer.save()
    Invoice = Model.get('account.invoice')
    invoice = Invoice(type='out', party=customer)
    line = invoice.lines.new()
    line.account = accounts['revenue']
    line.description = "Conseil"
    line.quantity = 1
    line.unit_price = Decimal('100')
    line.taxes.append(tax)
    invoice.click('post')


def tokens(config):
    "An active, a revoked and an expired link of the invoice: their tokens"
    from bench_books import in_transaction
    from trytond.pool import Pool

    def make():
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Link = pool.get('mentorsig.payment_link')
        invoice, = Invoice.search([('state', '=', 'posted')], limit=1)
        made = {}
        for kind in ['active', 'revoked', 'expired']:
            url, _ = Link.make([invoice], 'manual')[invoice.id]
            made[kind] = url.rsplit('/', 1)[1]
            link, = Link.search([], order=[('id', 'DESC')], limit=1)
            if kind == 'revoked':
                Link.revoke([link])
            elif kind == 'expired':
                Link.write([link], {
                        'expiry': dt.date.today() - dt.timedelta(days=1)})
        return made
    return in_transaction(config, make)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=300,
        help="requests per kind of token")
    parser.add_argument('--backend', default='sqlite',
        choices=['sqlite', 'postgresql'])
    args = parser.parse_args()

    import run as test_run  # tests/run.py: DB_CACHE and hash
    os.environ.update(test_run.backend_environ(args.backend))
    import conftest  # noqa: F401  (the suite's DB_CACHE naming)
    from trytond.modules.account.tests.tools import create_chart
    from trytond.modules.company.tests.tools import create_company
    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules
    from werkzeug.test import Client

    start = time.perf_counter()
    config = activate_modules(['mentorsig_payment_links'], create_company,
        create_chart, prepare)
    print(f"database ready in {time.perf_counter() - start:.1f}s "
        f"({args.backend})")
    made = tokens(config)
    from mentorsig_payment_links import tokens as token_functions
    made['unknown'] = token_functions.new_token()
    made['malformed'] = made['active'][:-1] + "'"

    from trytond.wsgi import app
    http = Client(app)
    base = '/%s/mentorsig_payment_links/pay/' % DB_NAME
    expected = {'active': 200}
    timings = {kind: [] for kind in made}
    bodies = {}
    for round_ in range(args.requests + 10):
        for kind, token in made.items():
            started = time.perf_counter()
            response = http.get(base + token)
            elapsed = time.perf_counter() - started
            assert response.status_code == expected.get(kind, 404), kind
            bodies.setdefault(kind, response.get_data())
            if round_ >= 10:    # warm-up rounds left out
                timings[kind].append(elapsed * 1000)
    unusable = {bodies[k] for k in made if k != 'active'}
    assert len(unusable) == 1, "the 404 pages differ"

    figures = {}
    print(f"\n{args.requests} requests per kind, {args.backend}, ms:")
    for kind, values in timings.items():
        values.sort()
        median = statistics.median(values)
        p90 = values[int(len(values) * .9)]
        figures[kind + '_ms'] = round(median, 3)
        print(f"  {kind:10} median {median:7.3f}  p90 {p90:7.3f}  "
            f"mean {statistics.fmean(values):7.3f}")
    for kind in ['revoked', 'expired', 'malformed']:
        figures[kind + '/unknown'] = round(
            figures[kind + '_ms'] / figures['unknown_ms'], 3)
        print(f"  ratio {kind}/unknown: {figures[kind + '/unknown']:.3f}")
    print('FIGURES ' + json.dumps(figures), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
