# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Draft customer invoices made through JSON-RPC on the demo, for the
browser tests of the batches"""
import datetime as dt

CUSTOMER = "Garage Dupont et Fils"


def new_drafts(rpc, count, label="Lot e2e"):
    party, = rpc('model.party.party.search', [('name', '=', CUSTOMER)],
        0, 1, None)
    # the accountant may read both demo companies: the French one's
    company = rpc.context['company']
    account, = rpc('model.account.account.search',
        [('type.revenue', '=', True), ('closed', '!=', True),
            ('company', '=', company)], 0, 1, None)
    tax = rpc('model.account.tax.search',
        [('parent', '=', None), ('rate', '=', '0.2'),
            ('company', '=', company)], 0, 1, None)
    # the customer's receivable, as the form's on_change of the party sets
    # it (the party's own, else the company's default)
    receivable = rpc('model.party.party.read', [party],
        ['account_receivable'])[0]['account_receivable']
    if receivable is None:
        receivable = rpc('model.account.configuration.read', [1],
            ['default_account_receivable'])[0]['default_account_receivable']
    address = rpc('model.party.party.read', [party],
        ['addresses'])[0]['addresses'][0]
    today = dt.date.today().isoformat()
    vlist = [{
            'type': 'out', 'party': party, 'account': receivable,
            'invoice_address': address,
            'invoice_date': {'__class__': 'date', 'year': int(today[:4]),
                'month': int(today[5:7]), 'day': int(today[8:])},
            'description': "%s %d" % (label, i),
            'lines': [['create', [{
                            'description': "Entretien %d" % i,
                            'quantity': 1.0,
                            'unit_price': {'__class__': 'Decimal',
                                'decimal': '%d.00' % (100 + i)},
                            'account': account,
                            'taxes': [['add', tax]],
                            }]]],
            } for i in range(count)]
    # on_change-free creation: posting computes the taxes
    return rpc('model.account.invoice.create', vlist)
