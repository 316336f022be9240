# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the proteus scenarios (scenario_*.rst) of a test folder under pytest.

The same doctest flags, set-up and tear-down as the host's load_doc_tests,
which pytest cannot use since it ignores the load_tests protocol.
"""
import doctest
import glob
import io
import os
import unittest

from trytond import backend
from trytond.tests.test_tryton import (
    STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)


def scenario_paths(test_file):
    """The scenarios of the test file's folder

    A scenario_*_alone.rst activates its module by itself, so it gets a
    database of its own, which DB_CACHE cannot share with the suite's set:
    on PostgreSQL each would cost a cold activation of minutes and push the
    cold suite past its budget, so these run on SQLite only (issue 10
    allows it); the suite's shared scenarios run on both backends.
    """
    folder = os.path.dirname(os.path.abspath(test_file))
    paths = sorted(glob.glob(os.path.join(folder, 'scenario_*.rst')))
    if backend.name != 'sqlite':
        paths = [p for p in paths if not p.endswith('_alone.rst')]
    return paths


def run_scenario(path):
    optionflags = (
        doctest.REPORT_ONLY_FIRST_FAILURE
        | doctest.ELLIPSIS
        | doctest.IGNORE_EXCEPTION_DETAIL)
    if backend.name == 'sqlite':
        optionflags |= STRIP_DECIMAL
    suite = doctest.DocFileSuite(
        path, module_relative=False,
        setUp=doctest_setup, tearDown=doctest_teardown,
        encoding='utf-8', checker=doctest_checker, optionflags=optionflags)
    stream = io.StringIO()
    result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    assert result.testsRun == 1, stream.getvalue()
    assert result.wasSuccessful(), stream.getvalue()
