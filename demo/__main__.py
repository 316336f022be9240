# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create (or check) the demo database.

Usage: python -m demo --database NAME [--uri URI] [--drop]
The URI defaults to TRYTOND_DATABASE__URI.
"""
import argparse
import os
import sys
import time

from .database import DemoDatabase


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m demo')
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI'))
    parser.add_argument('--drop', action='store_true',
        help="drop the database instead of creating it")
    parser.add_argument('--password', default='admin-demo')
    parser.add_argument('--serve', action='store_true',
        help="then serve the web client with trytond")
    parser.add_argument('--listen', default='127.0.0.1:8000')
    parser.add_argument('--web-root', help="folder of the built web client")
    parser.add_argument('--from-copy', action='store_true',
        help="the database is a copy of an activated one: add the missing "
        "modules and the demo data only")
    options = parser.parse_args(argv)
    if not options.uri:
        parser.error("give --uri or set TRYTOND_DATABASE__URI")
    database = DemoDatabase(options.uri, options.database, options.password)
    if options.drop:
        database.drop()
        print("Dropped %s" % database.label)
        return 0
    start = time.monotonic()
    created = database.ensure(from_copy=options.from_copy)
    print("%s %s in %.0f s" % (
            "Created" if created else "Reusing", database.label,
            time.monotonic() - start))
    if options.serve:
        serve(database, options)
    return 0


def serve(database, options):
    "Replace this process by trytond serving the database and web client"
    from .belgium import COMPANY_NAME as BELGIAN_COMPANY
    from .belgium import USER as BELGIAN_USER
    from .build import COMPANY_NAME, SALES_USER, USERS
    environ = os.environ.copy()
    environ.update(database.trytond_environ())
    environ['TRYTOND_WEB__LISTEN'] = options.listen
    # A working day without being asked the password again (the host
    # closes an idle session after 5 minutes)
    environ.setdefault('TRYTOND_SESSION__TIMEOUT', str(8 * 3600))
    if options.web_root:
        environ['TRYTOND_WEB__ROOT'] = options.web_root
    host, port = options.listen.rsplit(':', 1)
    print()
    print("MentorSiG demo: http://%s:%s/" % (host, port))
    print("  database: %s" % database.name)
    print("  login: admin / %s (both companies)" % options.password)
    for login, name, password, lang in USERS + [SALES_USER]:
        print("  login: %s / %s (%s, %s, %s)" % (
                login, password, name, lang, COMPANY_NAME))
    login, name, password, lang = BELGIAN_USER
    print("  login: %s / %s (%s, %s, %s)" % (
            login, password, name, lang, BELGIAN_COMPANY))
    print("Stop with Ctrl-C.", flush=True)
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    # -d: trytond 8.0.12 breaks the first login without it
    os.execve(trytond, [trytond, '-d', database.name], environ)


if __name__ == '__main__':
    sys.exit(main())
