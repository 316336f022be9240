# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two private helpers of trytond's tests, patched because no public hook
does what they do; tests/test_host_test_helpers.py fails when the host
changes them.  (A scenario's database copied from the test cases' one is
not a patch: mentorsig_suite.activate_suite.)

- The host's DB_CACHE names a cached database after the module names
  only: the hash of our sources (tests/run.py) is mixed in, so that a
  changed module never restores a stale schema on PostgreSQL templates
  (on SQLite the cache folder is already named after the hash).
- ModuleTestCase names its cached database after [module] + extras in that
  order: they are sorted, so that the test cases of our modules, which all
  activate mentorsig_suite.SUITE_MODULES, share one cached database.
"""
import os

from trytond.tests import test_tryton

host_db_cache_file = test_tryton._db_cache_file
host_activate_module = test_tryton.activate_module


def db_cache_file(path, name):
    source_hash = os.environ.get('MENTORSIG_SOURCE_HASH')
    if source_hash:
        name = '%s@%s' % (name, source_hash)
    return host_db_cache_file(path, name)


def activate_module(modules, lang='en'):
    if not isinstance(modules, str):
        modules = sorted(modules)
    return host_activate_module(modules, lang=lang)


def install():
    test_tryton._db_cache_file = db_cache_file
    test_tryton.activate_module = activate_module
