# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Everything a user sees exists in English and French."""
import io

import polib
import pytest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, USER, activate_module, drop_db)
from trytond.tools import file_open
from trytond.transaction import Transaction

MODULES = [
    'mentorsig_invoicing', 'mentorsig_sepa', 'mentorsig_margin',
    'mentorsig_payment_links']


@pytest.fixture(scope='module')
def database():
    activate_module(MODULES)
    yield DB_NAME
    drop_db()


@pytest.mark.parametrize('module', MODULES)
def test_every_label_has_a_french_translation(database, module):
    with Transaction().start(database, USER) as transaction:
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        french, = Lang.search([('code', '=', 'fr')])
        Lang.write([french], {'translatable': True})
        with file_open('%s/locale/fr.po' % module, 'rb') as fp:
            # Tryton does not load fuzzy entries
            shipped = {(e.msgctxt, e.msgid): e.msgstr
                for e in polib.pofile(fp.read().decode('utf-8'))
                if 'fuzzy' not in e.flags}
        Translation.translation_import(
            'fr', module, [file_open('%s/locale/fr.po' % module).name])
        exported = polib.pofile(io.BytesIO(
                Translation.translation_export('fr', module)).read().decode(
                'utf-8'))
        transaction.rollback()
    missing = [(e.msgctxt, e.msgid) for e in exported
        if not shipped.get((e.msgctxt, e.msgid))]
    assert not missing, "Missing French for:\n" + "\n".join(
        "%s %r" % m for m in missing)
