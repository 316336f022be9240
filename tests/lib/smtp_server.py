# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real SMTP server for the tests: aiosmtpd in a separate process.

    with SMTPServer(refuse=['bad@example.com']) as smtp:
        config.set('email', 'uri', smtp.uri)
        ...
        smtp.wait_for(19)
        for message in smtp.messages():  # email.message.EmailMessage
            ...

The server listens on a free loopback port and writes each message it
accepts to a temporary folder as `<n>.eml` (the bytes received, in order of
arrival), with `<n>.json` holding the envelope (sender, recipients).  A
refused address gets "550 5.1.1 user unknown" at RCPT time, as a real
server answers for a mailbox that does not exist; `refuse()` changes the
list while the server runs.
"""
import argparse
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

REFUSED_FILE = 'refused.json'


class SMTPServer:

    def __init__(self, refuse=(), startup_timeout=15):
        self._refuse = list(refuse)
        self.startup_timeout = startup_timeout
        self.directory = None
        self.port = None
        self.process = None

    @property
    def uri(self):
        return 'smtp://127.0.0.1:%s' % self.port

    def start(self):
        self.directory = tempfile.mkdtemp(prefix='mentorsig-smtp-')
        self.refuse(*self._refuse)
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__),
                '--port', str(self.port), '--directory', self.directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('SMTP server exited: %s' % (
                        self.process.stderr.read().decode(errors='replace')))
            try:
                with socket.create_connection(
                        ('127.0.0.1', self.port), timeout=1) as sock:
                    if sock.recv(1024).startswith(b'220'):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError('SMTP server did not start on %s' % self.port)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stderr.close()
            self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def refuse(self, *addresses):
        "Refuse these recipients from now on (and only these)"
        path = os.path.join(self.directory, REFUSED_FILE)
        with open(path + '.tmp', 'w') as fp:
            json.dump([a.lower() for a in addresses], fp)
        os.replace(path + '.tmp', path)

    def _numbers(self):
        return sorted(int(name[:-4]) for name in os.listdir(self.directory)
            if name.endswith('.eml'))

    def count(self):
        return len(self._numbers())

    def messages(self):
        "The messages received, oldest first, as EmailMessage"
        result = []
        for number in self._numbers():
            with open(os.path.join(
                        self.directory, '%d.eml' % number), 'rb') as fp:
                result.append(email.message_from_binary_file(
                        fp, policy=email.policy.default))
        return result

    def envelopes(self):
        "The envelopes received, oldest first: {'from': .., 'to': [..]}"
        result = []
        for number in self._numbers():
            with open(os.path.join(
                        self.directory, '%d.json' % number)) as fp:
                result.append(json.load(fp))
        return result

    def wait_for(self, count, timeout=30):
        "Wait until `count` messages arrived; return how many did"
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.count()

    def clear(self):
        for number in self._numbers():
            for ext in ('eml', 'json'):
                os.remove(os.path.join(
                        self.directory, '%d.%s' % (number, ext)))


class _Handler:
    "aiosmtpd handler: refuse listed recipients, store the rest as .eml"

    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        self.next = 1

    def _refused(self):
        try:
            with open(os.path.join(self.directory, REFUSED_FILE)) as fp:
                return set(json.load(fp))
        except (OSError, ValueError):
            return set()

    async def handle_RCPT(
            self, server, session, envelope, address, rcpt_options):
        if address.lower() in self._refused():
            return '550 5.1.1 <%s>: Recipient address rejected: ' \
                'User unknown' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number, self.next = self.next, self.next + 1
        base = os.path.join(self.directory, str(number))
        with open(base + '.json', 'w') as fp:
            json.dump({
                    'from': envelope.mail_from,
                    'to': list(envelope.rcpt_tos),
                    }, fp)
        # The .eml last, atomically: once seen, the message is complete
        with open(base + '.eml.tmp', 'wb') as fp:
            fp.write(envelope.original_content or envelope.content)
        os.replace(base + '.eml.tmp', base + '.eml')
        return '250 Message accepted for delivery'


def main():
    from aiosmtpd.controller import Controller
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--directory', required=True)
    args = parser.parse_args()
    controller = Controller(
        _Handler(args.directory), hostname='127.0.0.1', port=args.port,
        data_size_limit=50 * 1024 * 1024)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    controller.stop()


if __name__ == '__main__':
    main()
