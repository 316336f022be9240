# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from mentorsig_suite import extras_for
from trytond.tests.test_tryton import ModuleTestCase


class MentorsigRecurringTestCase(CompanyTestMixin, ModuleTestCase):
    "Test MentorSiG Recurring module"
    module = 'mentorsig_recurring'
    extras = extras_for(module)


del ModuleTestCase
