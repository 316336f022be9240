# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta

from .extra_field import ExtraFieldsMixin


class Party(ExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
