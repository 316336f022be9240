#!/bin/sh
# Entry point of the MentorSiG image: init | trytond | cron | worker | <cmd>
set -eu
: "${DB_NAME:=mentorsig}"
MODULES="mentorsig_extra_field mentorsig_invoice_email mentorsig_invoicing mentorsig_margin mentorsig_payment_links mentorsig_recurring mentorsig_sale mentorsig_sale_subscription mentorsig_sepa"

wait_for_database() {
    python - <<'PY'
import os, time, psycopg
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(os.environ['TRYTOND_DATABASE__URI'])
uri = urlunsplit(('postgresql', parts.netloc, '/postgres', '', ''))
for attempt in range(60):
    try:
        with psycopg.connect(uri, autocommit=True) as connection:
            name = os.environ.get('DB_NAME', 'mentorsig')
            if not connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s",
                    (name,)).fetchone():
                connection.execute('CREATE DATABASE "%s"' % name)
        break
    except psycopg.OperationalError:
        time.sleep(2)
else:
    raise SystemExit("PostgreSQL did not answer")
PY
}

case "${1:-trytond}" in
    init)
        # One-shot: create or update the database and the modules.
        wait_for_database
        passfile=$(mktemp)
        printf '%s' "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}" > "$passfile"
        TRYTONPASSFILE="$passfile" trytond-admin -d "$DB_NAME" --all \
            --email "${ADMIN_EMAIL:-admin@example.com}"
        # shellcheck disable=SC2086
        trytond-admin -d "$DB_NAME" -u $MODULES --activate-dependencies
        rm -f "$passfile"
        ;;
    trytond)
        exec trytond -d "$DB_NAME"
        ;;
    cron)
        exec trytond-cron -d "$DB_NAME"
        ;;
    worker)
        exec trytond-worker -d "$DB_NAME"
        ;;
    *)
        exec "$@"
        ;;
esac
