# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from mentorsig_suite import extras_for


class MentorsigMarginTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Margin module"
    module = 'mentorsig_margin'
    extras = extras_for(module)

    @with_transaction()
    def test_open_lines_without_row(self):
        "Opening the lines of no row says so instead of crashing"
        pool = Pool()
        OpenLines = pool.get('mentorsig.margin.open_lines', type='wizard')
        from mentorsig_margin.exceptions import MarginAnalysisError
        company = create_company()
        with set_company(company), Transaction().set_context(
                active_model='mentorsig.margin.customer', active_id=None,
                active_ids=[]):
            session_id, _, _ = OpenLines.create()
            with self.assertRaises(MarginAnalysisError) as raised:
                OpenLines.execute(session_id, {}, 'start')
        self.assertIn('reload the analysis', raised.exception.message)


del ModuleTestCase
