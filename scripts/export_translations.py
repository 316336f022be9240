#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refresh <module>/locale/fr.po from a database with the modules activated.

    TRYTOND_DATABASE__URI=... python scripts/export_translations.py DATABASE

New strings come out with an empty msgstr, to be translated by hand;
tests/test_translations.py fails until they are.
"""
import glob
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Our modules: every folder with a tryton.cfg
MODULES = sorted(os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, '*', 'tryton.cfg')))


def main(database):
    from proteus import Model, Wizard, config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    config.set_trytond(database)
    # "Set Translations": one row per string and translatable language
    Wizard('ir.translation.set').execute('set_')
    # "Update Translations": the French rows of the strings without one
    Lang = Model.get('ir.lang')
    update = Wizard('ir.translation.update')
    update.form.language, = Lang.find([('code', '=', 'fr')])
    update.execute('update')
    with Transaction().start(database, 0, readonly=True):
        Translation = Pool().get('ir.translation')
        for module in MODULES:
            content = Translation.translation_export('fr', module)
            path = os.path.join(ROOT, module, 'locale', 'fr.po')
            with open(path, 'wb') as fp:
                fp.write(content)
            print(path)


if __name__ == '__main__':
    main(sys.argv[1])
