# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The private helpers of trytond's tests that tests/lib/host_patches.py
patches, and those mentorsig_suite.activate_suite relies on, are still the
ones the patches were written for (trytond 8.0.12).

When trytond changes one of them this fails: read the new source, check
that the patch still does what its comment says, then update the digest.
"""
import hashlib
import inspect

import pytest

import host_patches
from trytond.tests import test_tryton

# qualified name -> SHA-256 (first 16 digits) of its source in 8.0.12
HOST_SOURCES = {
    '_db_cache_file': '4c2063d810ee1b0d',
    'activate_module': 'dc3cf98df470fb71',
    '_DBTestCase.setUpClass': 'a31a70618f31b3b2',
    'restore_db_cache': 'cc788200ba1f3f0e',
    'backup_db_cache': '4143d0c1b2faf8ad',
    }


def host_function(qualname):
    "The host's function, not our patch of it"
    if qualname == '_db_cache_file':
        return host_patches.host_db_cache_file
    if qualname == 'activate_module':
        return host_patches.host_activate_module
    owner, _, name = qualname.rpartition('.')
    base = getattr(test_tryton, owner) if owner else test_tryton
    return getattr(base, name)


@pytest.mark.parametrize('qualname', sorted(HOST_SOURCES))
def test_patched_host_helper_unchanged(qualname):
    source = inspect.getsource(host_function(qualname))
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    assert digest == HOST_SOURCES[qualname], (
        "trytond changed %s, which tests/conftest.py or "
        "mentorsig_suite.activate_suite rely on:\n%s" % (qualname, source))


def test_module_test_cases_share_one_database():
    "The patches are in place and the host still calls what they patch"
    assert test_tryton.activate_module is host_patches.activate_module
    assert test_tryton._db_cache_file is host_patches.db_cache_file
    assert 'activate_module(modules, lang=cls.language)' in inspect.getsource(
        test_tryton._DBTestCase.setUpClass)
    assert '_db_cache_file(DB_CACHE, name)' in inspect.getsource(
        test_tryton.restore_db_cache)
