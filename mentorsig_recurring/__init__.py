# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Recurring invoices: an invoice that repeats, run by the scheduler

A light template model of our own rather than the host's contracts
(`sale_subscription`, which our contract invoicing extends in
mentorsig_sale_subscription).  A contract there needs a service per
product (with its consumption recurrence), the `sale` module, quotation
and run states, and consumptions generated then invoiced in two steps;
what a user means by "this invoice, every month" has none of those: a
customer, invoice lines (products or free lines, fixed prices or the
product's price of the day), a payment term, a frequency, and whether the
invoice is left as a draft, posted, or posted and emailed.  Built on the
host's contracts, a template would pull in `sale` and its services for
every company that only invoices, and its periods would be the
consumptions' (one invoice per run, grouped lines), not one invoice per
period with its own dates.  So: this module depends only on
mentorsig_invoicing (and emails with mentorsig_invoice_email when it is
activated, see invoice_email.py).

The two do not overlap for the user: a *contract* (Sales > Subscriptions)
is a sale of services with consumptions, quantities and a sales process;
a *recurring invoice* (MentorSiG > Recurring Invoices, or Make Recurring
on an invoice) repeats an invoice.  Both bill through the same invoice,
posting and email paths, both state the service period in the customer's
language, and both invoice a period once.  They differ on catching up:
a contract bills missed periods on one invoice with a line per period (a
sale's consumptions); a recurring invoice makes one invoice per missed
period, each with its period dates, dated on the day of the run (the
numbering follows the dates), as the issue asks ("each once, with its own
period dates").

- recurrence.py: the dates (dateutil.rrule), plain functions;
- template.py: the template, its lines, Make Recurring's copy, the
  suspend/resume wizard, the preview of the next 12 dates;
- generation.py: exactly once (row lock, unique constraint on the
  invoice's template and period start), posting through the bulk path,
  one broken template never blocking the others (its error on the
  template and in the run's batch record, administrators notified);
- invoice.py: the invoice's link to its template and its period.
"""
