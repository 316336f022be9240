# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The MentorSiG demo database: a small French business.

`python -m demo --database NAME` creates the database when missing,
activates the MentorSiG modules and fills it; a second run only checks it.
"""
