# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SEPA messages without ORM: the character set, pain.008 files and the
bank's returns (pain.002, camt.054)."""
