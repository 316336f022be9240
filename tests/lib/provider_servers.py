# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment providers on loopback, for the tests: a Stripe API that answers
the calls our payment links make with Stripe's documented JSON, and the
webhook payloads Stripe sends, signed with the `stripe` library's own
helper.  Nothing leaves the machine."""
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that gave up (the timeout test) is what is tested
        pass


class StripeAPI:
    """POST /v1/checkout/sessions answered as Stripe does (an object
    `checkout.session`); every request kept in `requests` with its
    headers and form-decoded body; `delay` seconds before answering, and
    `fail` to answer Stripe's 500 error JSON"""

    def __init__(self):
        self.requests = []
        self.delay = 0
        self.fail = False
        self._sessions = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length).decode()
                api.requests.append({
                        'path': self.path,
                        'headers': dict(self.headers),
                        'form': urllib.parse.parse_qs(body),
                        })
                if api.delay:
                    time.sleep(api.delay)
                if api.fail:
                    return self._answer(500, {'error': {
                                'type': 'api_error',
                                'message': "Something went wrong"}})
                if self.path != '/v1/checkout/sessions':
                    return self._answer(404, {'error': {
                                'type': 'invalid_request_error',
                                'message': "Unrecognized request URL"}})
                key = self.headers.get('Idempotency-Key')
                if key not in api._sessions:
                    api._sessions[key] = api.session(
                        urllib.parse.parse_qs(body),
                        len(api._sessions) + 1)
                return self._answer(200, api._sessions[key])

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.send_header('Request-Id', 'req_test')
                self.end_headers()
                self.wfile.write(data)

        self.server = _Server(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    @staticmethod
    def session(form, number):
        "A Checkout Session as Stripe documents it, for the params sent"
        def one(name):
            return form.get(name, [None])[0]
        metadata = {k[len('metadata['):-1]: v[0] for k, v in form.items()
            if k.startswith('metadata[')}
        amount = int(one('line_items[0][price_data][unit_amount]'))
        return {
            'id': 'cs_test_%04d' % number,
            'object': 'checkout.session',
            'amount_total': amount,
            'currency': one('line_items[0][price_data][currency]'),
            'client_reference_id': one('client_reference_id'),
            'metadata': metadata,
            'mode': 'payment',
            'payment_intent': None,
            'payment_status': 'unpaid',
            'status': 'open',
            'success_url': one('success_url'),
            'cancel_url': one('cancel_url'),
            'url': 'https://checkout.stripe.com/c/pay/cs_test_%04d' % number,
            }

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def stripe_event(event_type, data, event_id='evt_test_1', created=None):
    "An event as Stripe posts it to a webhook endpoint"
    return {
        'id': event_id,
        'object': 'event',
        'api_version': stripe.api_version,
        'created': int(created or time.time()),
        'livemode': False,
        'pending_webhooks': 1,
        'type': event_type,
        'data': {'object': data},
        }


def checkout_completed(session, amount=None, currency=None,
        payment_intent='pi_test_1', event_id='evt_test_1'):
    "checkout.session.completed for a session the API made, paid"
    data = dict(session, payment_status='paid', status='complete',
        payment_intent=payment_intent)
    if amount is not None:
        data['amount_total'] = amount
    if currency is not None:
        data['currency'] = currency
    return stripe_event('checkout.session.completed', data, event_id)


def signed(event, secret, timestamp=None):
    "The body and Stripe-Signature header of event, by stripe's helper"
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=timestamp)
    return payload, header
