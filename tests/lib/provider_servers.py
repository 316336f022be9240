# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment providers on loopback, for the tests: a Stripe API that answers
the calls our payment links make with Stripe's documented JSON, and the
webhook payloads Stripe sends, signed with the `stripe` library's own
helper.  Nothing leaves the machine."""
import json
import re
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


class _JSONHandler(BaseHTTPRequestHandler):
    "Answers JSON with the provider's own headers (`headers_sent`)"
    headers_sent = {}

    def log_message(self, *args):
        pass

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for name, value in self.headers_sent.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _LoopbackAPI:
    "A provider's API served on a free loopback port by a thread"

    def _listen(self, handler):
        self.server = _Server(('127.0.0.1', 0), handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class StripeAPI(_LoopbackAPI):
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

        class Handler(_JSONHandler):
            headers_sent = {'Request-Id': 'req_test'}

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

        self._listen(Handler)

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


class PayPalAPI(_LoopbackAPI):
    """PayPal's REST API on loopback, answering what our payment links
    call with PayPal's documented JSON: POST /v1/oauth2/token (client
    credentials), /v2/checkout/orders (PayPal-Request-Id idempotent),
    /v2/checkout/orders/{id}/capture (PayPal-Request-Id idempotent: the
    same id answers the capture it made; another id on a captured order
    gets 422 ORDER_ALREADY_CAPTURED), GET /v2/checkout/orders/{id} (the
    order, its captures once captured), /v1/notifications/
    verify-webhook-signature (SHA256withRSA over
    "transmission_id|transmission_time|webhook_id|crc32(raw event)" with
    `key`, as PayPal signs its webhooks).  `approve(order)` is the buyer
    on PayPal's page; `capture_as` changes what a capture reports;
    `delay`, `fail` as for StripeAPI."""

    def __init__(self, client_id, secret, webhook_id):
        from cryptography.hazmat.primitives.asymmetric import rsa
        self.client_id, self.secret = client_id, secret
        self.webhook_id = webhook_id
        self.key = rsa.generate_private_key(
            public_exponent=65537, key_size=2048)
        self.requests = []
        self.orders = {}
        self.approved = set()
        self.capture_as = {}     # order id: dict of capture fields
        self.delay = 0
        self.fail = False
        self._by_request_id = {}
        self._captured = {}      # order id: the order as captured
        self._tokens = set()
        # one request at a time changes the orders: PayPal processes the
        # first of two requests with one PayPal-Request-Id
        self._lock = threading.Lock()
        api = self

        class Handler(_JSONHandler):
            headers_sent = {'Paypal-Debug-Id': 'f00d'}

            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length).decode()
                # header names as in PayPal's docs, whatever the case sent
                headers = {k.title(): v for k, v in self.headers.items()}
                api.requests.append({'path': self.path,
                        'headers': headers, 'body': body, 'method': 'POST'})
                if api.delay:
                    time.sleep(api.delay)
                if api.fail:
                    return self._answer(500, {'name': 'INTERNAL_SERVER_ERROR',
                            'message': "An internal server error occurred.",
                            'debug_id': 'f00d'})
                with api._lock:
                    status, payload = api.answer(self.path, headers, body)
                return self._answer(status, payload)

            def do_GET(self):
                headers = {k.title(): v for k, v in self.headers.items()}
                api.requests.append({'path': self.path,
                        'headers': headers, 'body': '', 'method': 'GET'})
                if api.fail:
                    return self._answer(500, {'name': 'INTERNAL_SERVER_ERROR',
                            'message': "An internal server error occurred.",
                            'debug_id': 'f00d'})
                with api._lock:
                    status, payload = api.show(self.path, headers)
                return self._answer(status, payload)

        self._listen(Handler)

    def calls(self, path):
        return [r for r in self.requests if r['path'] == path]

    def _error(self, status, name, issue, message):
        return status, {'name': name, 'message': message, 'debug_id': 'f00d',
            'details': [{'issue': issue, 'description': message}]}

    def answer(self, path, headers, body):
        import base64
        if path == '/v1/oauth2/token':
            expected = 'Basic ' + base64.b64encode(('%s:%s' % (
                        self.client_id, self.secret)).encode()).decode()
            if headers.get('Authorization') != expected or (
                    'grant_type=client_credentials' not in body):
                return 401, {'error': 'invalid_client',
                    'error_description': "Client Authentication failed"}
            token = 'A21AA%08d' % (len(self._tokens) + 1)
            self._tokens.add(token)
            return 200, {'scope': 'https://uri.paypal.com/services/payments',
                'access_token': token, 'token_type': 'Bearer',
                'app_id': 'APP-80W284485P519543T', 'expires_in': 32400,
                'nonce': '2026-12-01T10:00:00Zabc'}
        authorization = headers.get('Authorization', '')
        if authorization[len('Bearer '):] not in self._tokens:
            return 401, {'name': 'AUTHENTICATION_FAILURE',
                'message': "Authentication failed due to invalid "
                "authentication credentials or a missing Authorization "
                "header.", 'debug_id': 'f00d'}
        if path == '/v2/checkout/orders':
            key = headers.get('Paypal-Request-Id')
            if key in self._by_request_id:
                return 200, self._by_request_id[key]
            request = json.loads(body)
            order_id = '5O190127TN36%04dT' % (len(self.orders) + 1)
            self.orders[order_id] = request
            answer = {'id': order_id, 'status': 'PAYER_ACTION_REQUIRED',
                'payment_source': {'paypal': {}},
                'links': [
                    {'href': 'https://api-m.sandbox.paypal.com/v2/checkout/'
                        'orders/' + order_id, 'rel': 'self',
                        'method': 'GET'},
                    {'href': 'https://www.sandbox.paypal.com/checkoutnow?'
                        'token=' + order_id, 'rel': 'payer-action',
                        'method': 'GET'}]}
            if key:
                self._by_request_id[key] = answer
            return 201, answer
        match = re.match(r'^/v2/checkout/orders/([^/]+)/capture$', path)
        if match:
            return self._capture(match.group(1), headers)
        if path == '/v1/notifications/verify-webhook-signature':
            return 200, {'verification_status': self._verify(body)}
        return 404, {'name': 'RESOURCE_NOT_FOUND',
            'message': "The specified resource does not exist.",
            'debug_id': 'f00d'}

    def _authorized(self, headers):
        authorization = headers.get('Authorization', '')
        return authorization[len('Bearer '):] in self._tokens

    def show(self, path, headers):
        "GET /v2/checkout/orders/{id}: the order as PayPal shows it"
        if not self._authorized(headers):
            return 401, {'name': 'AUTHENTICATION_FAILURE',
                'message': "Authentication failed due to invalid "
                "authentication credentials or a missing Authorization "
                "header.", 'debug_id': 'f00d'}
        match = re.match(r'^/v2/checkout/orders/([^/?]+)(\?.*)?$', path)
        order = self.orders.get(match.group(1)) if match else None
        if order is None:
            return self._error(404, 'RESOURCE_NOT_FOUND',
                'INVALID_RESOURCE_ID',
                "Specified resource ID does not exist.")
        order_id = match.group(1)
        if order_id in self._captured:
            return 200, self._captured[order_id]
        unit = order['purchase_units'][0]
        return 200, {'id': order_id, 'intent': 'CAPTURE',
            'status': 'APPROVED' if order_id in self.approved
            else 'PAYER_ACTION_REQUIRED',
            'purchase_units': [{
                    'reference_id': unit.get('reference_id'),
                    'amount': dict(unit['amount']),
                    'custom_id': unit.get('custom_id'),
                    'invoice_id': unit.get('invoice_id')}],
            'links': [{'href': 'https://api-m.sandbox.paypal.com/v2/'
                    'checkout/orders/' + order_id, 'rel': 'self',
                    'method': 'GET'}]}

    def _capture(self, order_id, headers):
        key = 'capture:%s' % headers.get('Paypal-Request-Id')
        if key in self._by_request_id:
            return 200, self._by_request_id[key]
        order = self.orders.get(order_id)
        if order is None:
            return self._error(404, 'RESOURCE_NOT_FOUND',
                'INVALID_RESOURCE_ID',
                "Specified resource ID does not exist.")
        if order_id not in self.approved:
            return self._error(422, 'UNPROCESSABLE_ENTITY',
                'ORDER_NOT_APPROVED', "Payer has not yet approved the Order "
                "for payment.")
        if order.get('captured'):
            return self._error(422, 'UNPROCESSABLE_ENTITY',
                'ORDER_ALREADY_CAPTURED', "Order already captured.")
        order['captured'] = True
        unit = order['purchase_units'][0]
        capture = {
            'id': '3C679366HH9%05dF' % len(self._by_request_id),
            'status': 'COMPLETED',
            'amount': dict(unit['amount']),
            'final_capture': True,
            'seller_protection': {'status': 'ELIGIBLE'},
            'custom_id': unit.get('custom_id'),
            'invoice_id': unit.get('invoice_id'),
            'create_time': '2026-12-01T10:00:00Z',
            'update_time': '2026-12-01T10:00:00Z',
            'links': [{'href': 'https://api-m.sandbox.paypal.com/v2/'
                    'payments/captures/X', 'rel': 'self', 'method': 'GET'}],
            }
        capture.update(self.capture_as.get(order_id, {}))
        status = 'COMPLETED' if capture['status'] in {
            'COMPLETED', 'PENDING'} else capture['status']
        answer = {'id': order_id, 'status': status,
            'payment_source': {'paypal': {
                    'email_address': 'buyer@example.com',
                    'account_id': 'QYR5Z8XDVJNXQ'}},
            'purchase_units': [{
                    'reference_id': unit.get('reference_id'),
                    'payments': {'captures': [capture]}}],
            'payer': {'name': {'given_name': 'John', 'surname': 'Doe'},
                'payer_id': 'QYR5Z8XDVJNXQ'},
            'links': [{'href': 'https://api-m.sandbox.paypal.com/v2/'
                    'checkout/orders/' + order_id, 'rel': 'self',
                    'method': 'GET'}]}
        self._by_request_id[key] = answer
        self._captured[order_id] = dict(answer, intent='CAPTURE',
            purchase_units=[dict(answer['purchase_units'][0],
                    amount=dict(unit['amount']),
                    custom_id=unit.get('custom_id'),
                    invoice_id=unit.get('invoice_id'))])
        return 201, answer

    def capture(self, order_id, request_id):
        """A capture made by another caller than our module (another
        PayPal-Request-Id: the merchant's dashboard, a request id PayPal
        forgot): the capture's id"""
        with self._lock:
            status, answer = self._capture(
                order_id, {'Paypal-Request-Id': request_id})
        assert status == 201, answer
        return answer['purchase_units'][0]['payments']['captures'][0]['id']

    def signature(self, transmission_id, transmission_time, webhook_id,
            raw_event):
        import base64
        import zlib
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        message = '%s|%s|%s|%d' % (transmission_id, transmission_time,
            webhook_id, zlib.crc32(raw_event.encode('utf-8')))
        return base64.b64encode(self.key.sign(message.encode(),
                padding.PKCS1v15(), hashes.SHA256())).decode()

    def _verify(self, body):
        import base64
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        import zlib
        request = json.loads(body)
        # the event's bytes as they were posted to the webhook
        start = body.index('"webhook_event":') + len('"webhook_event":')
        while body[start] == ' ':
            start += 1
        _, end = json.JSONDecoder().raw_decode(body, start)
        raw = body[start:end]
        if request.get('webhook_id') != self.webhook_id or request.get(
                'auth_algo') != 'SHA256withRSA':
            return 'FAILURE'
        message = '%s|%s|%s|%d' % (request.get('transmission_id'),
            request.get('transmission_time'), request.get('webhook_id'),
            zlib.crc32(raw.encode('utf-8')))
        try:
            self.key.public_key().verify(
                base64.b64decode(request.get('transmission_sig') or ''),
                message.encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return 'FAILURE'
        return 'SUCCESS'

    def webhook(self, event, webhook_id=None, signer=None,
            transmission_id=None):
        """The body and headers of event as PayPal posts it to a webhook
        endpoint, signed (by signer, else this PayPal)"""
        payload = json.dumps(event)
        transmission_id = transmission_id or 'b2384410-f8d2-11ec-%04d' % (
            len(self.requests) % 10000)
        transmission_time = '2026-12-01T10:00:00Z'
        signer = signer or self
        signature = signer.signature(transmission_id, transmission_time,
            webhook_id or self.webhook_id, payload)
        return payload, {
            'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
            'PAYPAL-CERT-URL': 'https://api.sandbox.paypal.com/v1/'
            'notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
            'PAYPAL-TRANSMISSION-ID': transmission_id,
            'PAYPAL-TRANSMISSION-SIG': signature,
            'PAYPAL-TRANSMISSION-TIME': transmission_time,
            'Content-Type': 'application/json',
            }


def paypal_event(event_type, resource, event_id='WH-TEST-1'):
    "A webhook event as PayPal posts it"
    return {
        'id': event_id,
        'event_version': '1.0',
        'create_time': '2026-12-01T10:00:00.000Z',
        'resource_type': 'refund' if event_type in {
            'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED'}
        else 'checkout-order' if event_type.startswith('CHECKOUT.')
        else 'capture',
        'resource_version': '2.0',
        'event_type': event_type,
        'summary': 'Payment event',
        'resource': resource,
        'links': [],
        }


def paypal_refund(capture_id, value, currency, refund_id='1JU08902781691411'):
    "A refund resource as PAYMENT.CAPTURE.REFUNDED carries it"
    return {
        'id': refund_id,
        'amount': {'value': value, 'currency_code': currency},
        'status': 'COMPLETED',
        'create_time': '2026-12-01T11:00:00Z',
        'links': [
            {'href': 'https://api.sandbox.paypal.com/v2/payments/refunds/'
                + refund_id, 'rel': 'self', 'method': 'GET'},
            {'href': 'https://api.sandbox.paypal.com/v2/payments/captures/'
                + capture_id, 'rel': 'up', 'method': 'GET'}],
        }
