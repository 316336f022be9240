# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The one set of modules that the test databases of the suite activate.

Activating modules is the slow part of the suite (about two minutes on
PostgreSQL for a cold activation). The ModuleTestCases, the translation
check and the scenarios all activate this set, so that the host's DB_CACHE
builds it once per kind of database (bare for the test cases, with a
company and a chart for the scenarios) and copies it afterwards. It also
proves that the four modules and the optional host modules work together.

A new optional host module (`extras_depend`) goes in HOST_EXTRAS.
"""

MENTORSIG_MODULES = [
    'mentorsig_invoicing',
    'mentorsig_margin',
    'mentorsig_payment_links',
    'mentorsig_sepa',
    ]
HOST_EXTRAS = [
    'account_payment_stripe',
    'project_invoice',
    'purchase',
    'sale',
    'sale_subscription',
    ]
SUITE_MODULES = sorted(MENTORSIG_MODULES + HOST_EXTRAS)


def extras_for(module):
    "The ModuleTestCase.extras that make module activate the suite's set"
    return [m for m in SUITE_MODULES if m != module]
