# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fixed strings and number formats of the invoice document, French and
English.

Kept out of gettext on purpose: the document is printed in the customer's
language, not the user's, and must render without a database.  A test
checks that both languages have the same keys.
"""
from decimal import Decimal

STRINGS = {
    'fr': {
        'title_invoice': "Facture",
        'title_deposit': "Facture d'acompte",
        'title_credit_note': "Avoir",
        'number': "N°",
        'invoice_date': "Date de facture",
        'credit_note_date': "Date de l'avoir",
        'watermark_draft': "BROUILLON",
        'due_date': "Échéance",
        'delivery_date': "Date de livraison",
        'order_reference': "Votre référence",
        'credited_invoice': "Avoir sur la facture",
        'customer': "Client",
        'bill_to': "Facturé à",
        'deliver_to': "Livré à",
        'vat_number': "N° TVA",
        'siren': "SIREN",
        'continued': "suite",
        'page': "Page {page} / {pages}",
        'description': "Désignation",
        'quantity': "Qté",
        'unit': "Unité",
        'unit_price': "P.U. HT",
        'discount': "Remise",
        'vat': "TVA",
        'amount': "Montant HT",
        'subtotal': "Sous-total {title}",
        'vat_rate': "Taux",
        'vat_base': "Base HT",
        'vat_amount': "Montant TVA",
        'untaxed_amount': "Total HT",
        'discount_total': "Dont remises",
        'tax_amount': "Total TVA",
        'total_amount': "Total TTC",
        'amount_paid': "Déjà réglé",
        'amount_due': "Net à payer",
        'amount_to_refund': "Montant à rembourser",
        'nothing_due': "Rien à payer : facture réglée",
        'payment': "Règlement",
        'payment_terms': "Conditions de paiement",
        'bank_transfer': "Virement bancaire",
        'iban': "IBAN",
        'bic': "BIC",
        'bank': "Banque",
        'payment_reference': "Référence à indiquer",
        'qr_hint': "Scannez avec votre application bancaire pour payer par "
        "virement.",
        'late_payment': "En cas de retard de paiement, pénalités au taux "
        "annuel de {rate} % exigibles dès le lendemain de l'échéance "
        "(art. L441-10 du Code de commerce) et indemnité forfaitaire pour "
        "frais de recouvrement de {indemnity} (art. D441-5).",
        # a seller outside France: the EU's late payment directive
        'late_payment_eu': "En cas de retard de paiement, intérêts au taux "
        "annuel de {rate} % exigibles dès le lendemain de l'échéance et "
        "indemnité forfaitaire pour frais de recouvrement de {indemnity} "
        "(directive 2011/7/UE).",
        'indemnity_reference': "art. D441-5",
        'indemnity_reference_eu': "directive 2011/7/UE",
        'early_payment_default': "Pas d'escompte pour paiement anticipé.",
        'operation_category': "Catégorie de l'opération",
        'operation_goods': "Livraison de biens",
        'operation_services': "Prestation de services",
        'operation_mixed': "Livraison de biens et prestation de services",
        'vat_on_debits': "Option pour le paiement de la taxe d'après les "
        "débits.",
        'vat_exemption': "Exonération de TVA : {reason}",
        # Printed when a tax bears no legal notice
        'vat_reason_E': "Opération exonérée de TVA",
        'vat_reason_AE': "Autoliquidation : TVA due par le preneur "
        "(art. 283-2 du CGI)",
        'vat_reason_K': "Exonération de TVA, livraison intracommunautaire "
        "(art. 262 ter I du CGI)",
        'vat_reason_G': "Exonération de TVA, exportation hors UE "
        "(art. 262 I du CGI)",
        'vat_reason_O': "Opération non soumise à la TVA",
        'share_capital': "au capital de {capital}",
        'legal_vat': "TVA intracommunautaire {vat}",
        'credit_reason': "Motif de l'avoir :",
        'field_value': "{label} : {value}",
    },
    'en': {
        'title_invoice': "Invoice",
        'title_deposit': "Deposit invoice",
        'title_credit_note': "Credit note",
        'number': "No.",
        'invoice_date': "Invoice date",
        'credit_note_date': "Credit note date",
        'watermark_draft': "DRAFT",
        'due_date': "Due date",
        'delivery_date': "Delivery date",
        'order_reference': "Your reference",
        'credited_invoice': "Credit note for invoice",
        'customer': "Customer",
        'bill_to': "Bill to",
        'deliver_to': "Deliver to",
        'vat_number': "VAT No.",
        'siren': "SIREN",
        'continued': "continued",
        'page': "Page {page} / {pages}",
        'description': "Description",
        'quantity': "Qty",
        'unit': "Unit",
        'unit_price': "Unit price",
        'discount': "Disc.",
        'vat': "VAT",
        'amount': "Amount excl. VAT",
        'subtotal': "Subtotal {title}",
        'vat_rate': "Rate",
        'vat_base': "Taxable amount",
        'vat_amount': "VAT amount",
        'untaxed_amount': "Total excl. VAT",
        'discount_total': "Including discounts",
        'tax_amount': "Total VAT",
        'total_amount': "Total incl. VAT",
        'amount_paid': "Already paid",
        'amount_due': "Amount due",
        'amount_to_refund': "Amount to refund",
        'nothing_due': "Nothing to pay: invoice settled",
        'payment': "Payment",
        'payment_terms': "Payment terms",
        'bank_transfer': "Bank transfer",
        'iban': "IBAN",
        'bic': "BIC",
        'bank': "Bank",
        'payment_reference': "Payment reference",
        'qr_hint': "Scan with your banking app to pay by transfer.",
        'late_payment': "Late payment: penalties at the annual rate of "
        "{rate} % are due from the day after the due date (French "
        "Commercial Code, art. L441-10), plus a fixed indemnity of "
        "{indemnity} for recovery costs (art. D441-5).",
        'late_payment_eu': "Late payment: interest at the annual rate of "
        "{rate} % is due from the day after the due date, plus a fixed "
        "indemnity of {indemnity} for recovery costs (Directive "
        "2011/7/EU).",
        'indemnity_reference': "art. D441-5",
        'indemnity_reference_eu': "Directive 2011/7/EU",
        'early_payment_default': "No discount for early payment.",
        'operation_category': "Category of the operation",
        'operation_goods': "Supply of goods",
        'operation_services': "Supply of services",
        'operation_mixed': "Supply of goods and services",
        'vat_on_debits': "VAT paid on debits (option chosen by the seller).",
        'vat_exemption': "VAT exemption: {reason}",
        'vat_reason_E': "Exempt from VAT",
        'vat_reason_AE': "Reverse charge: VAT due by the customer",
        'vat_reason_K': "VAT exempt intra-community supply",
        'vat_reason_G': "VAT exempt export outside the EU",
        'vat_reason_O': "Not subject to VAT",
        'share_capital': "with a share capital of {capital}",
        'legal_vat': "VAT {vat}",
        'credit_reason': "Reason for the credit note:",
        'field_value': "{label}: {value}",
    },
}

CURRENCY_SYMBOLS = {'EUR': '€', 'USD': '$', 'GBP': '£', 'CHF': 'CHF'}
MONTHS_EN = (
    'January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December')
NBSP = '\u00a0'
# French groups thousands with a narrow no-break space
NNBSP = '\u202f'


class Formatter:
    "Strings, numbers, money and dates in one language"

    def __init__(self, language, currency='EUR'):
        self.language = language
        self.strings = STRINGS[language]
        self.currency = currency

    def __call__(self, key, **values):
        text = self.strings[key]
        return text.format(**values) if values else text

    def number(self, value, digits=2, strip=False):
        "Group thousands, the language's decimal mark"
        value = Decimal(value)
        if strip:
            # Quantities and rates: 2 and 5.5, not 2.00 and 5.50
            text = f'{value.normalize():,f}'
        else:
            text = f'{value:,.{digits}f}'
        if self.language == 'fr':
            text = text.replace(',', NNBSP).replace('.', ',')
        return text

    def price(self, value):
        """A unit price with the digits it has, two at least: 12.345678
        prints as 12,345678, so that quantity x price gives the amount"""
        value = Decimal(value)
        exponent = value.normalize().as_tuple().exponent
        return self.number(value, digits=max(2, -exponent)
            if isinstance(exponent, int) else 2)

    def money(self, value, digits=2):
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency)
        text = self.number(value, digits)
        if self.language == 'fr':
            return f'{text}{NBSP}{symbol}'
        if symbol == self.currency:
            return f'{symbol}{NBSP}{text}'
        return f'{symbol}{text}'.replace(f'{symbol}-', f'-{symbol}')

    def percent(self, value):
        return f'{self.number(value, strip=True)}{NBSP}%'

    def exemption(self, tax):
        """The exemption text of a tax summary line as printed: the tax's
        legal notice, else the default of its category, else ''"""
        if tax.exemption_reason:
            return self('vat_exemption', reason=tax.exemption_reason)
        return self.strings.get(f'vat_reason_{tax.category}', '')

    def exemption_reason(self, tax):
        "The reason alone, for the XML (BT-120)"
        return tax.exemption_reason or self.strings.get(
            f'vat_reason_{tax.category}', '')

    def date(self, value):
        if value is None:
            return ''
        if self.language == 'fr':
            return value.strftime('%d/%m/%Y')
        return f'{value.day} {MONTHS_EN[value.month - 1]} {value.year}'
