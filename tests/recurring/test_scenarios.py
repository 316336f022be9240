# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os

import pytest
from scenario_runner import run_scenario, scenario_paths


@pytest.mark.parametrize(
    'path', scenario_paths(__file__), ids=os.path.basename)
def test_scenario(path):
    run_scenario(path)
