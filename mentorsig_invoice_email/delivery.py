# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every email exactly once: the server accepts it after our commit

An SMTP server takes responsibility for a message when it answers the
end of its data (the line with a single dot).  We go up to that line
inside the transaction: the connection is opened, the sender and every
recipient are accepted (a refused address is known here and recorded on
the invoice), the message is sent but for its last line.  Then the
transaction commits, with the invoice marked sent and the email logged,
and only then the last line goes (the data manager's `tpc_finish`, which
trytond calls after the database commit, as its own transactional
sending does).

- The commit fails, or the process dies before it: the connection drops
  in the middle of the data and the server discards the message; the
  invoice is still queued and its task runs again: sent once.
- The process dies after the commit: the last line is one write away, the
  message goes (the kernel sends what was written before it closes the
  socket).  The window between the commit and that write is a few
  microseconds, against the milliseconds between a server's acceptance
  and a commit that a send-then-commit order leaves open.
- The server refuses the message at the end of its data: the invoice is
  marked failed in a new transaction.

The Message-ID is fixed when the sending is queued and stored on the
invoice, so that a retried task sends the same message and a task that
finds its invoice sent already (or queued again since) sends nothing.
"""
import email.policy
import logging
import re
import smtplib
from email.utils import formatdate, getaddresses, make_msgid

from trytond.sendmail import get_smtp_server
from trytond.url import host

from mentorsig_invoicing.background import AfterCommit

logger = logging.getLogger(__name__)


def new_message_id():
    return make_msgid(domain=host())


def _envelope(message):
    sender = message['Sender'] or message['From']
    sender = getaddresses([str(sender)])[0][1]
    recipients = [address for _, address in getaddresses(
            [str(v) for k in ('To', 'Cc', 'Bcc')
                for v in message.get_all(k, [])]) if address]
    return sender, recipients


def _data(message):
    "The message as SMTP DATA: CRLF line ends, leading dots doubled"
    del message['Bcc']
    data = message.as_bytes(policy=email.policy.SMTP)
    data = re.sub(br'(?m)^\.', b'..', data)
    if not data.endswith(b'\r\n'):
        data += b'\r\n'
    return data


class PendingDelivery(AfterCommit):
    """A message sent up to its last line, finished after the commit

    `on_failure(error)` is called in a new transaction when the server
    refuses the message at the end of its data (or the connection breaks
    before its answer)."""

    def __init__(self, server, message_id, on_failure=None):
        self.server = server
        self.message_id = message_id
        self.on_failure = on_failure
        # a transaction may commit more than once (trytond keeps its data
        # managers): the message is finished or dropped once
        self.done = False

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def abort(self):
        "Drop the connection: the server discards the unfinished message"
        self.done = True
        try:
            self.server.close()
        except OSError:
            pass

    def tpc_finish(self, transaction):
        if self.done:
            return
        self.done = True
        try:
            self.server.send(b'.\r\n')
            code, reply = self.server.getreply()
        except (smtplib.SMTPException, OSError) as exception:
            self.abort()
            error = exception
        else:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                pass
            if code == 250:
                return
            error = smtplib.SMTPDataError(code, reply)
        logger.warning("%s refused after the commit: %s",
            self.message_id, error)
        if self.on_failure:
            try:
                self.on_failure(transaction, error)
            except Exception:
                logger.exception(
                    "recording the failure of %s failed", self.message_id)

    def tpc_abort(self, transaction):
        if not self.done:
            self.abort()


def start_delivery(message, on_failure=None):
    """Send `message` up to its last line now; raise what the server
    refuses (smtplib.SMTPRecipientsRefused when any recipient is
    refused).  The PendingDelivery returned is finished by the commit of
    the transaction it joins (`Transaction().join(pending)`), dropped by
    its rollback or by `abort()`."""
    if not message['Message-ID']:
        message['Message-ID'] = new_message_id()
    if not message['Date']:
        message['Date'] = formatdate(localtime=True)
    sender, recipients = _envelope(message)
    data = _data(message)
    server = get_smtp_server(strict=True)
    try:
        server.ehlo_or_helo_if_needed()
        options = []
        if server.has_extn('smtputf8') and not data.isascii():
            options.append('SMTPUTF8')
        code, reply = server.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            code, reply = server.rcpt(recipient)
            if code not in {250, 251}:
                refused[recipient] = (code, reply)
        if refused or not recipients:
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = server.docmd('data')
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        server.send(data)
    except BaseException:
        try:
            server.close()
        except OSError:
            pass
        raise
    return PendingDelivery(
        server, message['Message-ID'], on_failure=on_failure)
