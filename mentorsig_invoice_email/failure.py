# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A sending failure recorded on an invoice, read in each user's language.

The failure is read later, by any user of the company (the French
accountant, the English manager): it is stored as its message and values,
not as a text in the language of whoever sent, and made a text when read.
"""
import json

from trytond.i18n import gettext


def failure(message_id, **values):
    "The stored form of a failure: its message and values"
    return json.dumps(
        {'message': message_id, 'values': values}, sort_keys=True,
        default=str)


def failure_text(stored):
    "The text of a stored failure, in the current language"
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return gettext(data['message'], **data['values'])
    except (ValueError, KeyError, TypeError):
        # recorded as a text (the mail server's own words, an old record)
        return stored
