# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real trytond serving the web client on a demo database, for e2e tests.

The demo database is built once per source hash and day (it lives in the
DB_CACHE folder that tests/run.py names after the module sources) and each
test session gets a fresh copy of it.  It is built from a copy of the
suite's activated database when the ModuleTestCases made one (they run
before the browser tests, see tests/conftest.py).
"""
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from demo.database import DemoDatabase  # noqa: E402

WEB_ROOT = os.path.join(ROOT, 'web', 'node_modules', 'tryton-sao')
ADMIN_PASSWORD = 'admin-demo'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _cache_key():
    "The folder and name of the cached demo: per source hash and day"
    cache = os.environ.get('MENTORSIG_CACHE_DIR') or tempfile.mkdtemp()
    source_hash = os.environ.get('MENTORSIG_SOURCE_HASH', 'nohash')
    return cache, 'demo_%s_%s' % (
        source_hash[:12], dt.date.today().strftime('%Y%m%d'))


def build_demo(uri, name, from_copy=False):
    "Build the demo in its own process: it must not share the test pool"
    subprocess.run(
        [sys.executable, '-m', 'demo', '--database', name, '--uri', uri,
            '--password', ADMIN_PASSWORD]
        + (['--from-copy'] if from_copy else []),
        cwd=ROOT, check=True, stdin=subprocess.DEVNULL)


def _suite_cache():
    """Where the host's DB_CACHE keeps the suite's activated database (the
    ModuleTestCases'): a SQLite file, or a PostgreSQL template's name;
    None when it is not there (e.g. the browser tests run alone)"""
    from mentorsig_suite import SUITE_MODULES
    from trytond.tests import test_tryton
    if not test_tryton.DB_CACHE:
        return None
    # tests/conftest.py mixes the source hash into the name
    cache = test_tryton._db_cache_file(
        test_tryton.DB_CACHE, '-'.join(SUITE_MODULES))
    if cache.startswith('postgresql://'):
        name = cache.rsplit('/', 1)[1]
        uri = os.environ['TRYTOND_DATABASE__URI']
        return name if DemoDatabase(uri, name).exists() else None
    return cache if os.path.exists(cache) else None


def _build_cached_demo(cached):
    """Build the cached demo, from a copy of the suite's activated
    database when there is one: on PostgreSQL an activation of every
    module takes about five minutes, the French chart alone seconds"""
    base = _suite_cache()
    if base is None:
        build_demo(cached.uri, cached.name)
        return
    cached.drop()
    if cached.backend == 'sqlite':
        os.makedirs(cached.sqlite_folder, exist_ok=True)
        shutil.copy(base, cached.sqlite_path)
    else:
        with cached._pg_connect('postgres') as connection:
            connection.execute(
                'CREATE DATABASE "%s" TEMPLATE "%s"' % (cached.name, base))
    build_demo(cached.uri, cached.name, from_copy=True)


def fresh_demo_database(suffix=''):
    """Return a DemoDatabase copied from the cached demo build, named after
    the process and suffix (a test that changes the demo has its own)"""
    uri = os.environ['TRYTOND_DATABASE__URI']
    cache, key = _cache_key()
    name = 'e2e_%d%s' % (os.getpid(), suffix)
    if uri.startswith('sqlite'):
        cached = DemoDatabase('sqlite://' + cache, key, ADMIN_PASSWORD)
        if not cached.exists() or not cached.is_ready():
            _build_cached_demo(cached)
        folder = tempfile.mkdtemp(prefix='mentorsig-e2e-')
        shutil.copy(cached.sqlite_path, os.path.join(folder, name + '.sqlite'))
        database = DemoDatabase('sqlite://' + folder, name, ADMIN_PASSWORD)
        database.copy_files_from(cached)
        return database
    cached = DemoDatabase(uri, key, ADMIN_PASSWORD)
    if not cached.exists() or not cached.is_ready():
        _build_cached_demo(cached)
    database = DemoDatabase(uri, name, ADMIN_PASSWORD)
    database.drop()
    with database._pg_connect('postgres') as connection:
        connection.execute(
            'CREATE DATABASE "%s" TEMPLATE "%s"' % (name, key))
    database.copy_files_from(cached)
    return database


class DemoServer:

    def __init__(self, database, output, log_name='trytond-e2e.log',
            environ=None):
        self.database = database
        self.environ = environ or {}
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d/' % self.port
        self.log_path = os.path.join(output, log_name)
        self.process = None

    def start(self):
        environ = os.environ.copy()
        environ.update(self.database.trytond_environ())
        environ['TRYTOND_WEB__LISTEN'] = '127.0.0.1:%d' % self.port
        environ['TRYTOND_WEB__ROOT'] = WEB_ROOT
        # No database list, as on a production server: the user types the
        # database's name. The host lists a PostgreSQL server's databases
        # by connecting to each and reading its ir_configuration, which
        # waits for any other database's transaction that altered that
        # table (a module activation): the login dialog then never came
        environ['TRYTOND_DATABASE__LIST'] = 'False'
        environ.update(self.environ)
        trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
        self.log = open(self.log_path, 'w')
        self.process = subprocess.Popen(
            [trytond, '-d', self.database.name],
            env=environ, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("trytond stopped, see %s" % self.log_path)
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("trytond did not answer on %s" % self.url)
        self.warm_up()
        return self

    def warm_up(self):
        """Log in once through JSON-RPC: the first request on a database
        loads its pool, which a browser must not wait for."""
        request = urllib.request.Request(
            '%s%s/rpc/' % (self.url, self.database.name),
            data=json.dumps({
                    'id': 1, 'method': 'common.db.login',
                    'params': ['admin', {'password': ADMIN_PASSWORD}, 'en'],
                    }).encode(),
            headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.loads(response.read())
        if not answer.get('result'):
            raise RuntimeError("Cannot log in to the demo: %s" % answer)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process:
            self.log.close()
        self.database.drop()
