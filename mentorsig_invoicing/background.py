# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tasks of a mass operation started from the web client, run in a
thread of the server when there is no trytond-worker

Without a worker ([queue] worker unset: the SQLite demo, a small install)
the host runs the tasks queued by a request in that request, after its
commit and before its answer: the user who posts 200 invoices from the
list waits for all of them on a frozen screen, and the batch's counters
can only be seen at the end.  Here the tasks queued inside `background()`
during a request are run, after the commit, by a thread of the server
instead, with the host's own `run_task` (its retries, its error report):
the request answers at once and the batch opens running, its counters
growing chunk by chunk (web/custom.js refreshes it).

Outside a request (a script, cron, the tests' proteus calls), with a
worker, and on an SQLite database in memory (each thread has its own),
nothing changes: the tasks run as the host runs them.  The host
has no hook for this: it has no worker of its own in-process.
"""
import logging
import threading
from contextlib import contextmanager

from trytond import config
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)


def _has_worker():
    return config.getboolean('queue', 'worker', default=False)


@contextmanager
def background():
    """Run the tasks queued inside, in a thread after the commit, when the
    transaction serves a request and there is no worker"""
    transaction = Transaction()
    tasks = transaction.tasks
    before = len(tasks)
    yield
    if (_has_worker() or '_request' not in transaction.context
            # another thread has a database of its own there
            or transaction.database.name == ':memory:'):
        return
    queued = tasks[before:]
    if queued:
        del tasks[before:]
        manager = transaction.join(_Starter(transaction.database.name))
        manager.task_ids.extend(queued)


class AfterCommit:
    """A trytond data manager (Transaction.join) that acts once the
    transaction committed (tpc_finish) or was rolled back (tpc_abort)"""

    def tpc_begin(self, transaction):
        pass

    def commit(self, transaction):
        pass

    def tpc_vote(self, transaction):
        pass

    def tpc_finish(self, transaction):
        pass

    def tpc_abort(self, transaction):
        pass


class _Starter(AfterCommit):
    "Starts the thread once the transaction committed"

    def __init__(self, database_name):
        self.database_name = database_name
        self.task_ids = []

    def __eq__(self, other):
        return (isinstance(other, _Starter)
            and other.database_name == self.database_name)

    def __hash__(self):
        return hash((_Starter, self.database_name))

    def tpc_finish(self, transaction):
        if self.task_ids:
            thread = threading.Thread(target=run_tasks,
                args=(self.database_name, list(self.task_ids)),
                name='mentorsig-background', daemon=True)
            self.task_ids.clear()
            thread.start()

    def tpc_abort(self, transaction):
        # rolled back: the tasks' queue records are gone with it
        self.task_ids.clear()


def run_tasks(database_name, task_ids):
    """Run the tasks, and those they queue, as the host's dispatcher does
    after a request (in this thread's own list of tasks)"""
    from trytond.worker import run_task
    tasks = Transaction().tasks
    tasks.extend(reversed(task_ids))
    while tasks:
        task_id = tasks.pop()
        try:
            run_task(database_name, task_id)
        except Exception:
            # run_task logs and reports its failures: go on with the others
            logger.exception("background task %s", task_id)
