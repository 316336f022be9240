# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create, check and drop the demo database on SQLite or PostgreSQL."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

# The test suite's modules (tests/lib/mentorsig_suite.py) plus the French
# and Belgian charts: the browser tests start the demo from the suite's
# cached database
MODULES = [
    'mentorsig_extra_field',
    'mentorsig_invoice_email',
    'mentorsig_invoicing',
    'mentorsig_margin',
    'mentorsig_payment_links',
    'mentorsig_recurring',
    'mentorsig_sale',
    'mentorsig_sale_subscription',
    'mentorsig_sepa',
    'account_be',
    'account_fr',
    'account_payment_stripe',
    'project_invoice',
    'purchase',
    'sale',
    'sale_subscription',
    ]
MENTORSIG_MODULES = [m for m in MODULES if m.startswith('mentorsig_')]
ADMIN_EMAIL = 'admin@mentorsig.example'


class DemoDatabase:

    def __init__(self, uri, name, password='admin-demo'):
        self.uri = uri
        self.name = name
        self.password = password
        self.parts = urlsplit(uri)
        self.backend = self.parts.scheme.split('+')[0]
        if self.backend not in {'sqlite', 'postgresql'}:
            raise ValueError("Unsupported database URI: %s" % uri)

    @property
    def label(self):
        if self.backend == 'sqlite':
            return "SQLite database %s" % self.sqlite_path
        return "PostgreSQL database %s on %s" % (
            self.name, self.parts.hostname or 'localhost')

    @property
    def sqlite_folder(self):
        path = self.parts.path or os.path.join('var', 'db')
        if path.startswith('//'):
            # sqlite:////abs/path: keep one leading slash
            path = '/' + path.lstrip('/')
        return os.path.abspath(path)

    @property
    def sqlite_path(self):
        return os.path.join(self.sqlite_folder, self.name + '.sqlite')

    def _pg_connect(self, dbname):
        import psycopg
        netloc = self.parts.netloc
        return psycopg.connect(
            urlunsplit(('postgresql', netloc, '/' + dbname, '', '')),
            autocommit=True)

    def exists(self):
        if self.backend == 'sqlite':
            return os.path.exists(self.sqlite_path)
        with self._pg_connect('postgres') as connection:
            return bool(connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s",
                    (self.name,)).fetchone())

    def _query(self, sql):
        if self.backend == 'sqlite':
            connection = sqlite3.connect(self.sqlite_path)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()
        with self._pg_connect(self.name) as connection:
            return connection.execute(sql).fetchall()

    def is_ready(self):
        "True when the modules are activated and the demo company exists"
        try:
            (activated,), = self._query(
                "SELECT COUNT(*) FROM ir_module WHERE state = 'activated' "
                "AND name IN (%s)" % ', '.join(
                    "'%s'" % m for m in MENTORSIG_MODULES))
            (companies,), = self._query(
                "SELECT COUNT(*) FROM company_company")
            (users,), = self._query(
                "SELECT COUNT(*) FROM res_user WHERE login = 'comptable'")
        except Exception:
            return False
        return (activated == len(MENTORSIG_MODULES)
            and companies >= 1 and users == 1)

    def create_empty(self):
        if self.backend == 'sqlite':
            os.makedirs(os.path.dirname(self.sqlite_path) or '.',
                exist_ok=True)
            open(self.sqlite_path, 'a').close()
        else:
            with self._pg_connect('postgres') as connection:
                connection.execute(
                    'CREATE DATABASE "%s" ENCODING \'UTF8\'' % self.name)

    def drop(self):
        if not self.exists():
            return
        if self.backend == 'sqlite':
            for suffix in ['', '-wal', '-shm', '-journal']:
                if os.path.exists(self.sqlite_path + suffix):
                    os.remove(self.sqlite_path + suffix)
        else:
            with self._pg_connect('postgres') as connection:
                connection.execute(
                    'DROP DATABASE "%s" WITH (FORCE)' % self.name)

    @property
    def filestore_folder(self):
        """Where trytond keeps the database's files (the stored invoice
        PDFs): [database] path, then the database's name"""
        if self.backend == 'sqlite':
            base = self.sqlite_folder
        else:
            base = os.environ.get('TRYTOND_DATABASE__PATH') or os.path.join(
                os.path.expanduser('~'), 'db')
        return os.path.join(base, self.name)

    def copy_files_from(self, other):
        """Give this copy of other's tables other's files: a database
        copied without them has posted invoices whose documents are lost"""
        shutil.rmtree(self.filestore_folder, ignore_errors=True)
        if os.path.isdir(other.filestore_folder):
            shutil.copytree(other.filestore_folder, self.filestore_folder)

    def trytond_environ(self):
        "The TRYTOND_* variables that point trytond at this database"
        # the key of the payment links printed on the demo's documents
        key = {'TRYTOND_MENTORSIG_PAYMENT_LINKS__SECRET': os.environ.get(
                'TRYTOND_MENTORSIG_PAYMENT_LINKS__SECRET',
                'mentorsig-demo-link-key')}
        if self.backend == 'sqlite':
            # trytond takes the SQLite folder from [database] path only
            return {
                'TRYTOND_DATABASE__URI': 'sqlite:///',
                'TRYTOND_DATABASE__PATH': self.sqlite_folder,
                **key,
                }
        return {'TRYTOND_DATABASE__URI': self.uri, **key}

    def _environ(self):
        environ = os.environ.copy()
        environ.update(self.trytond_environ())
        return environ

    def _admin(self, *arguments):
        "Run trytond-admin on the database, the admin password in a file"
        admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
        with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
            passfile.write(self.password)
            passfile.flush()
            environ = self._environ()
            environ['TRYTONPASSFILE'] = passfile.name
            subprocess.run(
                [admin, '-d', self.name, *arguments, '--email', ADMIN_EMAIL],
                env=environ, check=True, stdin=subprocess.DEVNULL)

    def initialise(self):
        "Create the base tables and the admin user (trytond-admin --all)"
        self._admin('--all')

    def set_admin(self):
        """Set the admin password and email of a database made by copying
        an activated one (the test suite's), as `initialise` does"""
        self._admin('--password')

    def activate_and_fill(self, today=None):
        os.environ.update(self.trytond_environ())
        from proteus import Model, Wizard, config
        trytond_config = config.set_trytond(self.name)
        # The demo back-dates invoices: the host warns about due dates in
        # the past, which is the point of an overdue invoice.
        trytond_config.skip_warning = True
        # French first: the Belgian chart's French records (account_be's
        # <data language="fr">) load only for a language already translatable
        Lang = Model.get('ir.lang')
        french, = Lang.find([('code', '=', 'fr')])
        french.click('load_translations')
        Module = Model.get('ir.module')
        modules = Module.find([('name', 'in', MODULES)])
        assert len(modules) == len(MODULES), [m.name for m in modules]
        # A copy of an activated database has most of them already
        modules = [m for m in modules if m.state != 'activated']
        if modules:
            Module.click(modules, 'activate')
            Wizard('ir.module.activate_upgrade').execute('upgrade')
        from .build import build
        return build(today=today)

    def ensure(self, today=None, from_copy=False):
        """Make the demo database ready; return True when it was created

        from_copy: the database is a copy of one whose modules are already
        activated (the test suite's cached database): only the missing
        modules are activated before the demo data is added.
        """
        if from_copy:
            try:
                self.set_admin()
                self.activate_and_fill(today=today)
            except BaseException:
                self.drop()
                raise
            return True
        if self.exists():
            if self.is_ready():
                return False
            # A build that stopped half-way: nothing of value to keep
            self.drop()
        self.create_empty()
        try:
            self.initialise()
            self.activate_and_fill(today=today)
        except BaseException:
            self.drop()
            raise
        return True
