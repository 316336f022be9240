# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Pure rules of the user-defined extra fields (no ORM).

The values live in a ``fields.Dict`` column, as JSON decoded by Tryton's
JSONDecoder: ``str`` for texts and options, ``int``, ``Decimal``,
``datetime.date``, ``datetime.datetime``, ``bool``, and a list (or tuple)
of option keys for multiple choices.
"""
import datetime as dt
import keyword
import re
from decimal import Decimal, InvalidOperation

TYPES = [
    'char', 'text', 'integer', 'numeric', 'date', 'datetime', 'boolean',
    'selection', 'multiselection']
# The web client has no multi-line widget in a Dict: a long text is typed
# in the same entry as a text, it differs by what the field is meant to hold
CLIENT_TYPES = {'text': 'char'}

NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
NAME_MAX = 63
TRUE = {'1', 'true', 'yes', 'y', 'oui', 'o', 'x'}
FALSE = {'0', 'false', 'no', 'n', 'non', ''}


def check_name(name):
    "Return None when name is a valid technical name, else an error key"
    if not name:
        return 'name_empty'
    if len(name) > NAME_MAX:
        return 'name_too_long'
    if not NAME_RE.match(name):
        return 'name_invalid'
    if keyword.iskeyword(name):
        return 'name_keyword'
    return None


def parse_options(text):
    """Return the [(key, label)] of "key: label" lines (the format of
    Tryton's DictSchemaMixin); a line without colon is its own label"""
    options = []
    for line in (text or '').splitlines():
        if not line.strip():
            continue
        key, _, label = line.partition(':')
        key = key.strip()
        options.append((key, label.strip() or key))
    return options


def check_options(type_, options):
    "Return None when the options suit the type, else an error key"
    if type_ not in {'selection', 'multiselection'}:
        return None
    keys = [k for k, _ in options]
    if not keys or not all(keys):
        return 'options_missing'
    if len(set(keys)) != len(keys):
        return 'options_duplicate'
    return None


def is_empty(value):
    return value is None or value == '' or (
        isinstance(value, (list, tuple)) and not value)


def check_value(type_, value, options=(), digits=None):
    """Return None when value fits the type (and options, digits), else an
    error key; an empty value always fits"""
    if is_empty(value):
        return None
    keys = {k for k, _ in options}
    if type_ in {'char', 'text'}:
        ok = isinstance(value, str)
    elif type_ == 'integer':
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif type_ == 'numeric':
        if isinstance(value, bool):
            ok = False
        elif isinstance(value, int):
            ok = True
        elif isinstance(value, (Decimal, float)):
            value = Decimal(str(value))
            ok = value.is_finite() and (
                digits is None
                or value.normalize().as_tuple().exponent >= -digits)
            if value.is_finite() and not ok:
                return 'too_many_digits'
        else:
            ok = False
    elif type_ == 'date':
        ok = (isinstance(value, dt.date)
            and not isinstance(value, dt.datetime))
    elif type_ == 'datetime':
        ok = isinstance(value, dt.datetime)
    elif type_ == 'boolean':
        ok = isinstance(value, bool)
    elif type_ == 'selection':
        if not isinstance(value, str):
            ok = False
        elif value not in keys:
            return 'not_an_option'
        else:
            ok = True
    elif type_ == 'multiselection':
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, str) for v in value):
            ok = False
        elif not set(value) <= keys:
            return 'not_an_option'
        else:
            ok = True
    else:
        raise ValueError("Unknown type %r" % type_)
    return None if ok else 'wrong_type'


def parse_default(type_, text, options=(), digits=None):
    """Return the value typed as text (a default value) converted to the
    type; raise ValueError when it does not fit"""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if type_ in {'char', 'text'}:
        value = text
    elif type_ == 'integer':
        try:
            value = int(text)
        except ValueError:
            raise ValueError('wrong_type')
    elif type_ == 'numeric':
        try:
            value = Decimal(text.replace(',', '.').replace(' ', ''))
        except InvalidOperation:
            raise ValueError('wrong_type')
        if not value.is_finite():
            raise ValueError('wrong_type')
    elif type_ == 'date':
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError('wrong_type')
    elif type_ == 'datetime':
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError('wrong_type')
        value = value.replace(tzinfo=None)
    elif type_ == 'boolean':
        lowered = text.lower()
        if lowered in TRUE:
            value = True
        elif lowered in FALSE:
            value = False
        else:
            raise ValueError('wrong_type')
    elif type_ == 'selection':
        value = text
    elif type_ == 'multiselection':
        value = [v.strip() for v in text.split(',') if v.strip()]
    else:
        raise ValueError("Unknown type %r" % type_)
    error = check_value(type_, value, options, digits)
    if error:
        raise ValueError(error)
    return value


def missing_required(definitions, values):
    """Return the definitions (objects with name, type_ and required) whose
    value is required and empty in values (a dict or None); an unticked
    checkbox is an answer, not a missing value"""
    values = values or {}
    return [d for d in definitions
        if d.required and is_empty(values.get(d.name))]


def count_incompatible(values_list, name, type_, options=(), digits=None):
    """Return how many value dicts hold under name a value that does not
    fit the type (used to refuse a type change)"""
    return sum(
        1 for values in values_list
        if values and check_value(
            type_, values.get(name), options, digits) is not None)


def count_holding(values_list, name):
    "Return how many value dicts hold a non-empty value under name"
    return sum(
        1 for values in values_list
        if values and not is_empty(values.get(name)))
