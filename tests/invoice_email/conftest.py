# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond import backend

# The worker-kill test runs on PostgreSQL (the issue asks it there): the
# worker and cron processes cannot open SQLite's in-memory test database
collect_ignore = [] if backend.name != 'sqlite' else [
    'test_delivery_worker.py']
