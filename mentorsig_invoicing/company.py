# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal identity a French company prints on its invoices

Code de commerce R123-237: besides the SIREN and the VAT number (on the
party), an invoice states the legal form, the share capital of a company
that has one and the trade register (RCS and its city).  The host's
company has a free "footer" text for reports; these are fields so that the
PDF and the Factur-X print them the same way in every language.

The French e-invoicing reform (invoices issued electronically by large and
mid-size companies from 1 September 2026, by small ones from 1 September
2027) adds mentions that only the company can choose: the date from which
it issues e-invoices (from then on posting refuses an invoice whose
mentions cannot be derived), the category of operation of lines without a
product, and the option for VAT on debits.
"""
from trytond.model import fields
from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    mentorsig_legal_form = fields.Char(
        "Legal Form",
        help="As printed on invoices, e.g. SAS, SARL, EURL, SA.")
    mentorsig_share_capital = fields.Numeric(
        "Share Capital", digits=(16, 2),
        domain=['OR',
            ('mentorsig_share_capital', '=', None),
            ('mentorsig_share_capital', '>=', 0),
            ],
        help="Printed after the legal form on invoices, in the company's "
        "currency; leave empty for a company without share capital.")
    mentorsig_registry = fields.Char(
        "Trade Register",
        help="The register and its city as printed after the SIREN, "
        "e.g. \"RCS Paris\".")
    mentorsig_einvoicing_date = fields.Date(
        "E-invoicing From",
        help="The date from which the company issues electronic invoices "
        "under the French rules (1 September 2026 for large and mid-size "
        "companies, 1 September 2027 for small ones): customer invoices "
        "dated from then on are posted only with every mention those "
        "rules require.")
    mentorsig_operation_category = fields.Selection([
            (None, ""),
            ('goods', "Supply of Goods"),
            ('services', "Supply of Services"),
            ], "Category of Lines without Product",
        help="What the company supplies on invoice lines that have no "
        "product (the products' lines follow their type).")
    mentorsig_vat_on_debits = fields.Boolean(
        "VAT on Debits",
        help="The company opted to pay VAT on debits (invoicing) rather "
        "than on receipts for its services: the invoices say so.")

    def mentorsig_share_capital_text(self, formatter):
        "The share capital as printed, in whole units when it has no cents"
        capital = self.mentorsig_share_capital
        if capital is None:
            return ''
        # "10 000 €" rather than "10 000,00 €"
        return formatter.money(capital,
            digits=0 if capital == capital.to_integral_value() else 2)
