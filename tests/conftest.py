# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os
import sys

# Helpers shared by the test folders (scenario runner, e2e server)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'lib'))

# The host's DB_CACHE names a cached database after the module names only:
# mix in the hash of our sources (tests/run.py) so that a changed module
# never restores a stale schema, on SQLite files as on PostgreSQL templates.
if os.environ.get('MENTORSIG_SOURCE_HASH'):
    from trytond.tests import test_tryton

    _host_db_cache_file = test_tryton._db_cache_file

    def _db_cache_file(path, name):
        return _host_db_cache_file(
            path, '%s@%s' % (name, os.environ['MENTORSIG_SOURCE_HASH']))

    test_tryton._db_cache_file = _db_cache_file


# ModuleTestCase names its cached database after [module] + extras in that
# order: sort them, so that the test cases of the four modules, which all
# activate mentorsig_suite.SUITE_MODULES, share one cached database.
from trytond.tests import test_tryton as _test_tryton  # noqa: E402

_host_activate_module = _test_tryton.activate_module


def _activate_module(modules, lang='en'):
    if not isinstance(modules, str):
        modules = sorted(modules)
    return _host_activate_module(modules, lang=lang)


_test_tryton.activate_module = _activate_module


# A scenario's database is the suite's modules plus a company and a chart
# (tools.activate_modules with set-up functions). When it is not cached yet
# but the bare database of the ModuleTestCases is (they run first), start
# from a copy of that one and run only the set-up functions: one module
# activation less per cold run (about five minutes on PostgreSQL).
from trytond.tests import tools as _tools  # noqa: E402

_host_activate_modules = _tools.activate_modules


def _activate_modules(modules, *setup):
    if isinstance(modules, str):
        modules = [modules]
    cache_name = '-'.join(sorted(modules))
    if setup_name := '|'.join(_tools._func_name(f) for f in setup):
        cache_name += f'--{setup_name}'
    if not setup:
        return _host_activate_modules(modules, *setup)
    if _test_tryton.restore_db_cache(cache_name):
        return _tools._get_config()
    if _test_tryton.restore_db_cache('-'.join(sorted(modules))):
        config = _tools._get_config()
        for func in setup:
            func(config=config)
        _test_tryton.backup_db_cache(cache_name)
        return config
    return _host_activate_modules(modules, *setup)


_tools.activate_modules = _activate_modules


def pytest_collection_modifyitems(session, config, items):
    """The browser tests last: their demo database starts from a copy of
    the suite's activated database, which the ModuleTestCases make first
    (tests/lib/demo_server.py); of them, the sale test last"""
    def order(item):
        path = str(item.path)
        # the sale invoicing test adds invoices to the shared demo: last
        return ('/e2e/' in path, path.endswith('/test_sale_invoice.py'))
    items.sort(key=order)
