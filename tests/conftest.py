# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os
import sys

# Helpers shared by the test folders (scenario runner, e2e server)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'lib'))

# The patches of the host's test helpers (see tests/lib/host_patches.py)
import host_patches  # noqa: E402

host_patches.install()


def pytest_collection_modifyitems(session, config, items):
    """The browser tests last: their demo database starts from a copy of
    the suite's activated database, which the ModuleTestCases make first
    (tests/lib/demo_server.py); of them, the sale test last"""
    def order(item):
        path = str(item.path)
        # the sale invoicing, batch, direct debit and recurring tests add
        # invoices to the shared demo: last
        return ('/e2e/' in path, path.endswith(
                ('/test_sale_invoice.py', '/test_invoice_batch.py',
                    '/test_sepa_direct_debit.py',
                    '/test_recurring_invoice.py')))
    items.sort(key=order)
