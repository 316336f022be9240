# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A JSON-RPC client of trytond's WSGI application, as the web client calls
it (common.db.login, a session in the Authorization header, the user's
preferences as context), and the ledger of the security walker's paths."""
import base64
import collections
import json

from werkzeug.test import Client as WerkzeugClient

from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder

PASSWORD = 'Walker-Pass-2026!'


class Outcome:
    __slots__ = ('ok', 'result', 'error', 'text', 'status')

    def __init__(self, ok, result=None, error=None, text='', status=200):
        self.ok = ok
        self.result = result
        self.error = error
        self.text = text
        self.status = status

    @property
    def error_type(self):
        if self.status != 200:
            return 'HTTP %s' % self.status
        if isinstance(self.error, (list, tuple)) and self.error:
            return str(self.error[0])
        return 'Error'

    @property
    def message(self):
        if isinstance(self.error, (list, tuple)) and len(self.error) > 1:
            detail = self.error[1]
            if isinstance(detail, (list, tuple)) and detail:
                return str(detail[0])
            return str(detail)[:300]
        return str(self.error)[:300]


class Client:
    "A user logged in through common.db.login, calling as sao does"

    def __init__(self, app, database, login, password=PASSWORD):
        self.http = WerkzeugClient(app)
        self.url = '/%s/rpc/' % database
        self.login = login
        self.headers = {}
        outcome = self.call('common.db.login',
            login, {'password': password}, 'en', context=False)
        assert outcome.ok, (login, outcome.error)
        self.user_id, session = outcome.result[:2]
        token = '%s:%s:%s' % (login, self.user_id, session)
        self.headers = {'Authorization': 'Session '
            + base64.b64encode(token.encode()).decode()}
        outcome = self.call('model.res.user.get_preferences', True,
            context={})
        assert outcome.ok, outcome.error
        self.context = outcome.result

    def call(self, method, *params, context=None):
        "Call with the user's context, or the given one (False: none)"
        params = list(params)
        if context is not False:
            params.append(self.context if context is None else context)
        body = json.dumps({'id': 1, 'method': method, 'params': params},
            cls=JSONEncoder, separators=(',', ':'))
        response = self.http.post(self.url, data=body, headers={
                'Content-Type': 'application/json', **self.headers})
        text = response.get_data(as_text=True)
        if response.status_code != 200:
            return Outcome(False, error=text[:300], text=text,
                status=response.status_code)
        answer = json.loads(text, object_hook=JSONDecoder())
        if answer.get('error'):
            return Outcome(False, error=answer['error'], text=text)
        return Outcome(True, result=answer['result'], text=text)

    def with_context(self, **values):
        context = dict(self.context)
        context.update(values)
        return context


class Ledger:
    "The paths tried, refused, leaked and changed"

    def __init__(self):
        self.tried = 0
        self.refused = 0
        self.passed = 0
        self.leaks = []
        self.changes = []
        self.errors = collections.Counter()
        self.kinds = collections.Counter()
        self.lines = []

    def record(self, kind, path, leaked, changed, outcome):
        self.lines.append('%s %s [%s] %s%s%s' % (
                'LEAK' if leaked else 'CHANGE' if changed
                else 'answered' if outcome.ok else 'refused', kind, path,
                '' if outcome.ok else '%s: %s' % (
                    outcome.error_type, outcome.message),
                (' ' + leaked) if leaked else '',
                (' ' + changed) if changed else ''))
        self.tried += 1
        self.kinds[kind] += 1
        if leaked:
            self.leaks.append('%s: %s' % (path, leaked))
        if changed:
            self.changes.append('%s: %s' % (path, changed))
        if not outcome.ok:
            self.refused += 1
            self.errors[outcome.error_type] += 1
        elif not leaked and not changed:
            self.passed += 1

    def summary(self):
        return ('walker: %d paths tried, %d refused, %d answered without '
            'foreign data, %d leaked, %d changed (%s; refusals: %s)' % (
                self.tried, self.refused, self.passed, len(self.leaks),
                len(self.changes),
                ', '.join('%s %d' % kv for kv in sorted(self.kinds.items())),
                ', '.join('%s %d' % kv for kv in sorted(
                        self.errors.items()))))
