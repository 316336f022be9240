# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""End the PostgreSQL sessions a test left on its database (a worker, a
cron, a task's transaction): the next test drops that database, which
PostgreSQL refuses while another session is connected."""
from trytond import backend


def disconnect_others(database):
    if backend.name != 'postgresql':
        return
    import psycopg

    import trytond.config as config
    uri = config.get('database', 'uri')
    with psycopg.connect(uri + 'postgres', autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid != pg_backend_pid()", (database,))
