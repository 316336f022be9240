# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond import backend

# Two processes share the test's database: PostgreSQL only (the issue asks
# it there; SQLite's test database lives in the test process's memory)
collect_ignore = [] if backend.name != 'sqlite' else [
    'test_generation_processes.py']
