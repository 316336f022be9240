#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run the whole suite on each backend.

    python tests/run.py sqlite postgresql -- [pytest arguments]

The host's DB_CACHE keeps activated databases between runs; its key is the
list of module names only, so the cache folder is named after a hash of our
module sources: a changed module never runs against a stale schema.
PostgreSQL uses TRYTOND_TEST_POSTGRESQL_URI, else the server on
127.0.0.1:5432 when it answers; with CI=true a missing server fails.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Our modules (every folder with a tryton.cfg), the demo and the pins
HASHED = sorted(os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, '*', 'tryton.cfg'))) + [
    'demo', 'requirements.txt']
DEFAULT_POSTGRESQL_URI = 'postgresql://postgres@127.0.0.1:5432/'


def source_hash():
    digest = hashlib.sha256()
    for name in HASHED:
        path = os.path.join(ROOT, name)
        files = [path] if os.path.isfile(path) else sorted(
            os.path.join(folder, f)
            for folder, dirs, filenames in os.walk(path)
            if '__pycache__' not in folder
            for f in filenames if not f.endswith('.pyc'))
        for file_ in files:
            digest.update(os.path.relpath(file_, ROOT).encode())
            with open(file_, 'rb') as fp:
                digest.update(fp.read())
    return digest.hexdigest()[:16]


STALE_AFTER = 3 * 3600


def db_cache():
    base = os.path.join(ROOT, 'var', 'db-cache')
    current = os.path.join(base, source_hash())
    if os.path.isdir(base):
        # Caches of other sources go once unused for a while (another run
        # on another version of the sources may still be reading one)
        for name in os.listdir(base):
            path = os.path.join(base, name)
            if (path != current
                    and time.time() - os.path.getmtime(path) > STALE_AFTER):
                shutil.rmtree(path, ignore_errors=True)
    os.makedirs(current, exist_ok=True)
    os.utime(current)
    return current


def drop_stale_templates(uri):
    """Drop the cached databases (host's test-*, our demo_*) unused for a
    while: their names cannot tell the sources they were made from."""
    import psycopg
    with psycopg.connect(uri + 'postgres', autocommit=True) as connection:
        names = [name for name, in connection.execute(
                "SELECT datname FROM pg_database "
                "WHERE (datname LIKE 'test-%%' OR datname LIKE 'demo\\_%%') "
                "AND (pg_stat_file('base/' || oid || '/PG_VERSION'))"
                ".modification < now() - make_interval(secs => %s)",
                (STALE_AFTER,))]
        for name in names:
            connection.execute('DROP DATABASE IF EXISTS "%s"' % name)


def postgresql_uri():
    uri = os.environ.get('TRYTOND_TEST_POSTGRESQL_URI')
    if uri:
        return uri
    import psycopg
    try:
        psycopg.connect(DEFAULT_POSTGRESQL_URI + 'postgres',
            connect_timeout=3).close()
    except psycopg.OperationalError:
        return None
    return DEFAULT_POSTGRESQL_URI


def backend_environ(backend):
    environ = os.environ.copy()
    for key in list(environ):
        if key.startswith('TRYTOND_DATABASE') or key == 'DB_NAME':
            del environ[key]
    if backend == 'sqlite':
        environ['TRYTOND_DATABASE__URI'] = 'sqlite:///'
        environ['DB_CACHE'] = db_cache()
    else:
        uri = postgresql_uri()
        if not uri:
            return None
        environ['TRYTOND_DATABASE__URI'] = uri
        # Template databases: a copy takes 0.5 s where pg_restore takes 14
        environ['DB_CACHE'] = uri
        drop_stale_templates(uri)
        # Throw-away test databases need no durable commits: libpq passes
        # this setting to every connection of the run
        environ['PGOPTIONS'] = (
            environ.get('PGOPTIONS', '') + ' -c synchronous_commit=off')
    # the key of the links printed on documents (outside the database)
    environ.setdefault('TRYTOND_MENTORSIG_PAYMENT_LINKS__SECRET',
        'mentorsig-test-link-key')
    # tests/conftest.py mixes it into the cache names of the host
    environ['MENTORSIG_SOURCE_HASH'] = source_hash()
    environ['MENTORSIG_CACHE_DIR'] = db_cache()
    environ['MENTORSIG_TEST_OUTPUT'] = os.path.join(
        ROOT, 'test-output', backend)
    os.makedirs(environ['MENTORSIG_TEST_OUTPUT'], exist_ok=True)
    environ.setdefault('TEST_NETWORK', '0')
    return environ


def start(backend, environ, pytest_args, parallel):
    "Start pytest on a backend; in parallel its output goes to a log file"
    command = [sys.executable, '-m', 'pytest', *(pytest_args or ['tests'])]
    if not parallel:
        print("\n=== %s (DB_CACHE=%s)" % (backend, environ['DB_CACHE']),
            flush=True)
        return subprocess.Popen(command, cwd=ROOT, env=environ), None
    log_path = os.path.join(environ['MENTORSIG_TEST_OUTPUT'], 'pytest.log')
    log = open(log_path, 'w')
    return subprocess.Popen(
        command, cwd=ROOT, env=environ, stdout=log,
        stderr=subprocess.STDOUT), log_path


def main(argv):
    if '--' in argv:
        index = argv.index('--')
        backends, pytest_args = argv[:index], argv[index + 1:]
    else:
        backends, pytest_args = argv, []
    backends = backends or ['sqlite', 'postgresql']
    # Each pytest runs mostly on one core: the backends run side by side
    parallel = len(backends) > 1 and os.environ.get(
        'MENTORSIG_SERIAL_BACKENDS') != '1'
    failed, runs = [], []
    for backend in backends:
        environ = backend_environ(backend)
        if environ is None:
            message = "PostgreSQL: no server answers at %s" % (
                DEFAULT_POSTGRESQL_URI)
            if os.environ.get('CI', '').lower() in {'1', 'true', 'yes'}:
                print("FAILED " + message, flush=True)
                failed.append(backend)
                continue
            print("NOT RUN " + message + " (set CI=true to fail)",
                flush=True)
            continue
        process, log_path = start(backend, environ, pytest_args, parallel)
        runs.append((backend, environ, process, log_path, time.monotonic()))
        if not parallel:
            runs[-1] = runs[-1] + (process.wait(), time.monotonic())
    if parallel:
        print("Running %s side by side; logs in test-output/<backend>/"
            "pytest.log" % ' and '.join(r[0] for r in runs), flush=True)
        runs = [run + (run[2].wait(), time.monotonic()) for run in runs]
        for backend, environ, _, log_path, *_ in runs:
            print("\n=== %s (DB_CACHE=%s)" % (
                    backend, environ['DB_CACHE']), flush=True)
            with open(log_path) as log:
                sys.stdout.write(log.read())
            sys.stdout.flush()
    for backend, _, _, _, started, code, ended in runs:
        if code:
            failed.append(backend)
        print("%s: %s in %.0f s" % (
                backend, 'passed' if not code else 'FAILED', ended - started))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
