# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The host's SEPA mandates (account_payment_sepa), extended: the reference
in the SEPA character set, the lapse of a recurrent mandate unused for 36
months (rulebook 2025; the host leaves a TODO in its `cancel`), and the
printable form in French and English.

The host prints its mandate from an OpenDocument template (mandate.fodt),
which needs LibreOffice to become a PDF and has no legal text; ours is
drawn by document/mandate_form.py with reportlab, as our invoices are.
"""
import datetime as dt

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction

from . import sepa_rules
from .document import mandate_form
from .exceptions import MandateReferenceError
from .iso20022 import charset

USED_STATES = ('processing', 'succeeded')


class Mandate(metaclass=PoolMeta):
    __name__ = 'account.payment.sepa.mandate'

    sepa_lapsed = fields.Date("Lapsed On", readonly=True,
        states={
            'invisible': ~Eval('sepa_lapsed'),
            },
        help="The day the mandate lapsed: a recurrent mandate unused for "
        "36 months is cancelled and a new one must be signed.")

    @classmethod
    def copy(cls, mandates, default=None):
        default = default.copy() if default else {}
        default.setdefault('sepa_lapsed')
        return super().copy(mandates, default=default)

    @classmethod
    def validate_fields(cls, mandates, field_names):
        super().validate_fields(mandates, field_names)
        if field_names and 'identification' not in field_names:
            return
        for mandate in mandates:
            if (mandate.identification
                    and not charset.is_identifier(mandate.identification)):
                raise MandateReferenceError(gettext(
                        'mentorsig_sepa.msg_mandate_reference_invalid',
                        reference=mandate.identification))

    @property
    def sepa_last_use(self):
        "The last collection, or the signature when never used"
        dates = [p.date for p in self.payments if p.state in USED_STATES]
        return max(dates, default=self.signature_date)

    def sepa_lapsed_at(self, today):
        return self.type == 'recurrent' and sepa_rules.mandate_lapsed(
            self.sepa_last_use, today)

    @classmethod
    def sepa_last_uses(cls, mandates):
        "The last collection date of each mandate, or its signature date"
        pool = Pool()
        Payment = pool.get('account.payment')
        payment = Payment.__table__()
        cursor = Transaction().connection.cursor()
        last = {m.id: m.signature_date for m in mandates}
        ids = list(last)
        for i in range(0, len(ids), 1000):
            cursor.execute(*payment.select(
                    payment.sepa_mandate, Max(payment.date),
                    where=payment.sepa_mandate.in_(ids[i:i + 1000])
                    & payment.state.in_(USED_STATES),
                    group_by=payment.sepa_mandate))
            for mandate_id, date in cursor:
                if isinstance(date, str):  # SQLite
                    date = dt.date.fromisoformat(date)
                last[mandate_id] = max(
                    filter(None, [date, last[mandate_id]]))
        return last

    @classmethod
    def sepa_lapse_unused(cls, date=None):
        """Cancel the recurrent mandates of the context's company unused
        for 36 months (the scheduler runs it every day)"""
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        mandates = cls.search([
                ('company', '=', Transaction().context.get('company', -1)),
                ('state', '=', 'validated'),
                ('type', '=', 'recurrent'),
                ])
        last_uses = cls.sepa_last_uses(mandates)
        lapsed = [m for m in mandates
            if sepa_rules.mandate_lapsed(last_uses[m.id], date)]
        if lapsed:
            cls.write(lapsed, {'sepa_lapsed': date})
            cls.cancel(lapsed)
        return lapsed

    def get_sepa_mandate_form(self):
        "The mandate_form.MandateForm of the printed mandate"
        company = self.company.party
        return mandate_form.MandateForm(
            reference=self.identification or '',
            scheme=self.scheme, type=self.type,
            creditor_name=company.name,
            creditor_identifier=company.sepa_creditor_identifier_used or '',
            creditor_address=_address_lines(self.company_address),
            debtor_name=self.party.name,
            debtor_address=_address_lines(self.address),
            debtor_iban=(self.account_number.compact_iban
                if self.account_number else '') or '',
            debtor_bic=(self.account_number.account.bank.bic
                if self.account_number and self.account_number.account.bank
                else '') or '',
            signature_date=self.signature_date,
            signature_place=(self.address.city
                if self.signature_date and self.address else '') or '')


def _address_lines(address):
    if not address:
        return []
    lines = (address.street or '').splitlines()
    lines.append(' '.join(
            filter(None, [address.postal_code, address.city])))
    if address.country:
        lines.append(address.country.name)
    return [l for l in lines if l.strip()]


class MandatePdfReport(Report):
    "The SEPA mandate form to sign, as a PDF (reportlab, no LibreOffice)"
    __name__ = 'mentorsig_sepa.mandate_pdf'

    @classmethod
    def check_access(cls, action, model, ids):
        # the host checks the model of the action named in the data, then
        # renders the ids as mandates: the action must be this one
        if Transaction().user and (action.report_name != cls.__name__
                or model != 'account.payment.sepa.mandate'):
            raise AccessError(gettext(
                    'mentorsig_sepa.msg_report_other_action'))
        super().check_access(action, model, ids)

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Mandate = pool.get('account.payment.sepa.mandate')
        mandate, = Mandate.browse(records)
        return 'pdf', mandate_form.render(mandate.get_sepa_mandate_form())

