# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The host's own scenarios of the modules we extend, run with every module
of the suite activated beside theirs (issue 13).

A company that has not enabled MentorSiG must behave exactly as the host:
these scenarios create their companies after the modules are activated and
never enable MentorSiG, so each of them must pass unchanged. A failure is
our bug, unless it is a documented choice of ours that applies only to
companies that enabled MentorSiG.

Each scenario's `activate_modules(modules, *setup)` activates the suite's
modules as well (mentorsig_suite.activate_suite when the union is the
suite's set, so that the cached database of our own scenarios is reused).
SQLite only: on PostgreSQL each new set-up would cost a template of its own.
"""
import glob
import os

import pytest
from mentorsig_suite import SUITE_MODULES, activate_suite
from scenario_runner import run_scenario

import trytond.modules
from trytond.tests import tools

HOST_MODULES = [
    'account_invoice', 'sale', 'sale_subscription', 'project_invoice',
    'account_payment_sepa', 'account_payment_stripe']
HOST_ROOT = os.path.dirname(trytond.modules.__file__)
# account_payment_stripe's scenarios all call Stripe's live test API with
# real keys; the host's own test_scenario leaves them out without network
# and keys, and so do we (there is no network here)
NEEDS_NETWORK = {'account_payment_stripe'}


def host_scenarios():
    return sorted(
        path for module in HOST_MODULES if module not in NEEDS_NETWORK
        for path in glob.glob(os.path.join(
                HOST_ROOT, module, 'tests', 'scenario_*.rst')))


def scenario_id(path):
    return '%s/%s' % (
        os.path.basename(os.path.dirname(os.path.dirname(path))),
        os.path.basename(path))


def activated_with(modules):
    "The modules, with every module they depend on"
    activated, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in activated:
            activated.add(module)
            todo.extend(
                trytond.modules.get_module_info(module).get('depends', []))
    return activated


def activate_with_suite(modules, *setup):
    if isinstance(modules, str):
        modules = [modules]
    if set(modules) <= activated_with(SUITE_MODULES):
        return activate_suite(*setup, activate_modules=host_activate_modules)
    return host_activate_modules(
        sorted(set(modules) | set(SUITE_MODULES)), *setup)


host_activate_modules = tools.activate_modules


@pytest.mark.parametrize('path', host_scenarios(), ids=scenario_id)
def test_host_scenario(path, monkeypatch):
    monkeypatch.setattr(tools, 'activate_modules', activate_with_suite)
    run_scenario(path)
