# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One process of the concurrency test: at the given time, run the
scheduler's generation of recurring invoices, as trytond-cron does (root,
the company in the context)

    python generate_process.py CONFIG DATABASE COMPANY START_AT
"""
import sys
import time


def main(conf, database, company, start_at):
    import trytond.config as config
    config.update_etc(conf)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    time.sleep(max(0, float(start_at) - time.time()))
    with Transaction().start(database, 0, context={
                'company': int(company)}):
        Template = Pool().get('mentorsig.recurring.template')
        Template.generate_due()
    print("generated")


if __name__ == '__main__':
    main(*sys.argv[1:])
