# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo's recurring invoices: two templates the scheduler runs, due
from the first day of next month (the demo's invoices stay as they are
until then)"""
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model


def create_recurring_invoices(customers, products, today):
    "Monthly assistance posted and emailed; quarterly maintenance posted"
    Template = Model.get('mentorsig.recurring.template')
    by_name = {p.name: p for p in products}
    next_month = today.replace(day=1) + relativedelta(months=1)
    assistance = Template(party=customers[2],
        name="Assistance mensuelle", start_date=next_month,
        generation='email')
    line = assistance.lines.new()
    line.product = by_name["Assistance mensuelle"]
    line.quantity = 1
    line.price = 'product'
    assistance.comment = "Assistance téléphonique et à distance incluse."
    maintenance = Template(party=customers[0],
        name="Maintenance trimestrielle des locaux", start_date=next_month,
        frequency='monthly', interval=3, generation='post')
    line = maintenance.lines.new()
    line.product = by_name["Maintenance des locaux"]
    line.quantity = 6
    line.unit_price = Decimal('45.00')
    templates = [assistance, maintenance]
    Template.save(templates)
    for template in templates:
        template.click('run')
    return templates

