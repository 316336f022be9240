# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The one set of modules that the test databases of the suite activate.

Activating modules is the slow part of the suite (about two minutes on
PostgreSQL for a cold activation). The ModuleTestCases, the translation
check and the scenarios all activate this set, so that the host's DB_CACHE
builds it once per kind of database (bare for the test cases, with a
company and a chart for the scenarios) and copies it afterwards. It also
proves that our modules and the optional host modules work together.
Beside it, each module has a scenario that activates it alone
(`tests/<module>/scenario_*_alone.rst`).

A new optional host module (`extras_depend`) goes in HOST_EXTRAS.
"""

import os
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))


def _registered_modules():
    "Our modules, as pyproject.toml registers them (the one list of them)"
    with open(os.path.join(ROOT, 'pyproject.toml'), 'rb') as fp:
        project = tomllib.load(fp)['project']
    return sorted(project['entry-points']['trytond.modules'])


MENTORSIG_MODULES = _registered_modules()
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


def activate_suite(*setup, activate_modules=None):
    """The proteus configuration of a scenario's database: the suite's
    modules plus the set-up functions (a company, a chart)

    The host's `activate_modules(SUITE_MODULES, *setup)` activates the
    modules again whenever that database is not cached yet; here it starts
    from a copy of the ModuleTestCases' cached database when there is one
    (they run first) and runs only the set-up: one module activation less
    per cold run (about five minutes on PostgreSQL).
    """
    from proteus import config as proteus_config
    from trytond.tests import test_tryton, tools
    # The names the host's DB_CACHE gives these databases
    bare = '-'.join(SUITE_MODULES)
    name = bare + '--' + '|'.join(f.__qualname__ for f in setup)
    if test_tryton.restore_db_cache(name):
        _forget_caches()
        return proteus_config.set_trytond()
    if setup and test_tryton.restore_db_cache(bare):
        _forget_caches()
        config = proteus_config.set_trytond()
        for func in setup:
            func(config=config)
        test_tryton.backup_db_cache(name)
        return config
    return (activate_modules or tools.activate_modules)(SUITE_MODULES, *setup)


def _forget_caches():
    """The process's caches of the database name are those of the database
    the previous test made and dropped (e.g. the ids of the company values
    of a configuration): the restored copy starts without them"""
    from trytond.cache import Cache
    from trytond.tests.test_tryton import DB_NAME
    Cache.drop(DB_NAME)
