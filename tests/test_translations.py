# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Everything a user sees exists in English and French.

The host's own tools list the strings to translate: "Set Translations"
collects the source strings (views and reports included) and "Update
Translations" adds a French row, empty, for each string the shipped
fr.po does not translate; the export then shows them.
"""
import polib
import pytest

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, USER, activate_module, drop_db
from trytond.transaction import Transaction

from mentorsig_suite import MENTORSIG_MODULES as MODULES, SUITE_MODULES


@pytest.fixture(scope='module')
def exported():
    "The French .po files the host would export, per module"
    activate_module(SUITE_MODULES)
    try:
        with Transaction().start(DB_NAME, USER) as transaction:
            pool = Pool()
            Lang = pool.get('ir.lang')
            Translation = pool.get('ir.translation')
            TranslationSet = pool.get('ir.translation.set', type='wizard')
            TranslationUpdate = pool.get(
                'ir.translation.update', type='wizard')
            french, = Lang.search([('code', '=', 'fr')])
            # Load the shipped fr.po files as the host does for a language
            Lang.load_translations([french])
            session_id, _, _ = TranslationSet.create()
            TranslationSet(session_id).transition_set_()
            session_id, _, _ = TranslationUpdate.create()
            update = TranslationUpdate(session_id)
            update.start.language = french
            update.do_update({})
            result = {
                module: polib.pofile(
                    (Translation.translation_export('fr', module)
                        or b'').decode('utf-8'))
                for module in MODULES}
            transaction.rollback()
    finally:
        drop_db()
    return result


@pytest.mark.parametrize('module', MODULES)
def test_every_label_has_a_french_translation(exported, module):
    entries = [e for e in exported[module] if e.msgid]
    assert entries, "nothing exported for %s" % module
    missing = [(e.msgctxt, e.msgid) for e in entries
        if not e.msgstr or 'fuzzy' in e.flags]
    assert not missing, "Missing French for:\n" + "\n".join(
        "%s %r" % m for m in missing)
