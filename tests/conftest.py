# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os
import sys

# Helpers shared by the test folders (scenario runner, e2e server)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'lib'))
