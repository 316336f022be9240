# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SEPA Latin character set of the EPC implementation guidelines.

Banks reject files with other characters, so every text of a pain.008 goes
through `text` (names, remittance) or `identifier` (references).
"""
import re

from text_unidecode import unidecode

ALLOWED = re.compile(r"[^a-zA-Z0-9/\-?:().,'+ ]")
# Characters that unidecode keeps but that have a SEPA equivalent
REPLACEMENTS = str.maketrans({
        '&': '+', '_': '-', '"': "'", '`': "'", ';': ',', '!': '.',
        '[': '(', ']': ')', '{': '(', '}': ')', '<': None, '>': None,
        '\\': '/', '|': '/', '#': ' ', '*': ' ', '=': '-', '@': ' ',
        '%': ' ', '$': ' ', '~': '-', '^': ' ',
        })
SPACES = re.compile(r'\s+')
NAME_LENGTH = 70
REMITTANCE_LENGTH = 140
IDENTIFIER_LENGTH = 35


def transliterate(value):
    "Return value in the SEPA character set, spaces collapsed"
    value = unidecode(value or '').translate(REPLACEMENTS)
    value = ALLOWED.sub(' ', value)
    return SPACES.sub(' ', value).strip()


def text(value, length=NAME_LENGTH):
    "A free text (name, remittance) of at most length characters"
    return transliterate(value)[:length].rstrip()


def identifier(value, length=IDENTIFIER_LENGTH):
    """A reference (message, payment, mandate): SEPA characters, no space,
    never starting or ending with '/' nor containing '//'."""
    value = transliterate(value).replace(' ', '')
    value = re.sub(r'/{2,}', '/', value).strip('/')
    value = value[:length].rstrip('/')
    return value


def is_identifier(value, length=IDENTIFIER_LENGTH):
    "Whether value is already a valid reference (a mandate's RUM)"
    return bool(value) and identifier(value, length) == value
