# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Our modules keep the host's layout (README, Developers): a module
extends one host model with two classes at most, a conditional
`[register <module>]` section holds thin glue of four classes at most, and
a module that extends a host model through a conditional section lists
that host module in extras_depend."""
import configparser
import glob
import importlib
import os
from collections import Counter

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = sorted(os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, '*', 'tryton.cfg')))


def registered(module):
    "(section, kind, class) of the module's tryton.cfg"
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, module, 'tryton.cfg'))
    for section in config.sections():
        if not section.startswith('register'):
            continue
        for kind in ('model', 'wizard', 'report'):
            for name in config.get(section, kind, fallback='').split():
                file_, class_name = name.split('.')
                python = importlib.import_module(f'{module}.{file_}')
                yield section, kind, getattr(python, class_name)


@pytest.mark.parametrize('module', MODULES)
def test_two_classes_at_most_per_host_model(module):
    counts = Counter(
        (kind, cls.__name__) for _, kind, cls in registered(module))
    crowded = {name: count for name, count in counts.items() if count > 2}
    assert not crowded, (
        f"{module} extends these models with more than two classes: "
        f"{crowded}")


@pytest.mark.parametrize('module', MODULES)
def test_conditional_sections_are_thin_glue(module):
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, module, 'tryton.cfg'))
    extras = config.get('tryton', 'extras_depend', fallback='').split()
    sections = Counter(
        section for section, _, _ in registered(module)
        if section != 'register')
    for section, count in sections.items():
        host_module = section.split()[1]
        assert count <= 4, f"[{section}] of {module} holds {count} classes"
        assert host_module in extras, (
            f"[{section}] of {module}: {host_module} not in extras_depend")


def test_every_module_has_a_scenario_alone():
    for module in MODULES:
        folder = module.removeprefix('mentorsig_')
        assert glob.glob(os.path.join(
                ROOT, 'tests', folder, 'scenario_*_alone.rst')), (
            f"{module} has no tests/{folder}/scenario_*_alone.rst")
