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
