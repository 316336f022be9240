# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The plain data model of an invoice document, without ORM.

Everything the PDF and the Factur-X XML print comes from an
`InvoiceDocument`: the ORM glue fills one from an invoice, the tests and the
bench build them by hand.  All money is Decimal; the computed amounts
(line amounts, subtotals, tax summary, totals) are properties so that the
PDF and the XML can never disagree.
"""
import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .text import clean

CENT = Decimal('0.01')
# the most digits of a price in the XML (BR-FR-DEC-03)
PRICE_DIGITS = 6
HUNDRED = Decimal(100)

INVOICE = 'invoice'
DEPOSIT = 'deposit'
CREDIT_NOTE = 'credit_note'
KINDS = (INVOICE, DEPOSIT, CREDIT_NOTE)
LANGUAGES = ('fr', 'en')

# UNCL 5305 VAT categories used here: standard rate, zero rated, exempt,
# reverse charge, intra-community supply, export outside the EU, not
# subject to VAT
VAT_CATEGORIES = ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')
# The categories whose VAT breakdown needs an exemption reason (EN 16931
# BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10)
EXEMPTION_REASON_CATEGORIES = ('E', 'AE', 'K', 'G', 'O')


def no_vat_category(seller_vat_number):
    """The category of a line that bears no tax at all

    EN 16931 wants a VAT breakdown for every line.  "Not subject to VAT"
    (O) forbids any VAT identifier on the invoice (BR-O-02): it suits a
    seller without a VAT number only.  A seller registered for VAT states
    an exemption (E), whose reason the breakdown carries (BR-E-10).
    """
    return 'E' if seller_vat_number else 'O'


# The category of the operation (French mentions since 1 September 2026):
# what the lines supply, and its letter in the billing framework (BT-23)
GOODS = 'goods'
SERVICES = 'services'
MIXED = 'mixed'
OPERATION_CATEGORIES = (GOODS, SERVICES, MIXED)
_FRAMEWORK_LETTERS = {GOODS: 'B', SERVICES: 'S', MIXED: 'M'}


def operation_category(line_categories):
    """The category of an invoice from its lines' (goods or services):
    None when a line has none"""
    categories = set(line_categories)
    if not categories or None in categories or '' in categories:
        return None
    if categories == {GOODS}:
        return GOODS
    if categories == {SERVICES}:
        return SERVICES
    return MIXED


# EAS code of the addresses of the French e-invoicing directory
FRENCH_DIRECTORY_SCHEME = '0225'

# The texts that keep their line breaks; every other one is one line
MULTILINE_FIELDS = {
    'description', 'note', 'notes', 'credit_reason', 'early_payment_discount',
    'payment_terms', 'value'}


def _cleaned(value, multiline):
    if isinstance(value, str):
        return clean(value, multiline)
    if isinstance(value, list):
        return [_cleaned(v, multiline) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v, multiline) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        clean_fields(value)
    return value


def clean_fields(record):
    "Clean every text of a dataclass and of those it holds (see text.clean)"
    for field_ in dataclasses.fields(record):
        value = getattr(record, field_.name)
        cleaned = _cleaned(value, field_.name in MULTILINE_FIELDS)
        if cleaned is not value:
            setattr(record, field_.name, cleaned)


def round_money(amount):
    "Round to the cent the way French invoices and EN 16931 do (half up)"
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Address:
    street_lines: list = field(default_factory=list)
    postal_code: str = ''
    city: str = ''
    country_code: str = 'FR'
    country_name: str = ''

    def printed_lines(self, home_country='FR'):
        "Lines of the address as on an envelope"
        lines = [l for l in self.street_lines if l]
        town = ' '.join(p for p in (self.postal_code, self.city) if p)
        if town:
            lines.append(town)
        if self.country_code != home_country and (
                self.country_name or self.country_code):
            lines.append((self.country_name or self.country_code).upper())
        return lines


@dataclass
class Party:
    name: str
    address: Address = field(default_factory=Address)
    siren: str = ''
    vat_number: str = ''
    email: str = ''
    phone: str = ''
    # The buyer's reference for the invoice (purchase order, service code)
    reference: str = ''
    # The electronic invoicing address (EN 16931 BT-34/BT-49) and its
    # scheme (EAS): '0225' for the French directory (the SIREN), 'EM' for
    # an email; empty: derived from the SIREN, else the email
    electronic_address: str = ''
    electronic_address_scheme: str = ''

    @property
    def endpoint(self):
        "(address, scheme) of the electronic address, or None"
        if self.electronic_address:
            return (self.electronic_address,
                self.electronic_address_scheme or 'EM')
        if self.siren:
            return self.siren.replace(' ', ''), FRENCH_DIRECTORY_SCHEME
        if self.email:
            return self.email, 'EM'
        return None


@dataclass
class Seller(Party):
    legal_form: str = ''
    share_capital: str = ''
    registry: str = ''  # e.g. "RCS Paris"
    website: str = ''
    iban: str = ''
    bic: str = ''
    bank_name: str = ''
    # PNG or JPEG bytes; a logo with an alpha channel is flattened on white
    logo: bytes = None


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # in percent: Decimal('20'), Decimal('5.5')
    unit: str = ''  # as printed: "h", "pièce", "kg"
    # UN/ECE recommendation 20 code for the XML: C62 is "one" (a unit)
    unit_code: str = 'C62'
    discount: Decimal = Decimal(0)  # in percent
    product_code: str = ''
    vat_category: str = 'S'
    vat_exemption_reason: str = ''
    note: str = ''  # printed under the description
    # User-defined fields marked for printing (ExtraField list), printed
    # under the description
    extra_fields: list = field(default_factory=list)

    @property
    def gross_amount(self):
        return round_money(self.quantity * self.unit_price)

    @property
    def amount(self):
        "Amount excluding VAT, after the line discount"
        return round_money(
            self.quantity * self.unit_price * (HUNDRED - self.discount)
            / HUNDRED)

    @property
    def discount_amount(self):
        return self.gross_amount - self.amount

    @property
    def net_unit_price(self):
        "Unit price after discount, as EN 16931 wants it (BT-146)"
        if not self.discount:
            return self.unit_price
        # the price's digits, four at least and six at most (the French
        # rules' limit for prices, BR-FR-DEC-03): 12.345678 less 10 % is
        # 11.111110, not 11.1111
        exponent = self.unit_price.normalize().as_tuple().exponent
        digits = min(PRICE_DIGITS, max(4, -exponent)) if isinstance(
            exponent, int) else 4
        return (self.unit_price * (HUNDRED - self.discount) / HUNDRED
            ).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@dataclass
class Section:
    "A title in the lines table; its subtotal is printed before the next one"
    title: str
    show_subtotal: bool = True


@dataclass
class ExtraField:
    "A user-defined field marked for printing"
    label: str
    value: str


@dataclass
class TaxSummaryLine:
    rate: Decimal
    category: str
    base: Decimal
    amount: Decimal
    exemption_reason: str = ''


@dataclass
class Subtotal:
    section: Section
    amount: Decimal


@dataclass
class InvoiceDocument:
    kind: str
    number: str
    seller: Seller
    buyer: Party
    invoice_date: datetime.date
    items: list = field(default_factory=list)  # Line and Section, in order
    due_date: datetime.date = None
    delivery_date: datetime.date = None
    delivery_address: Address = None
    currency: str = 'EUR'
    language: str = 'fr'
    amount_paid: Decimal = Decimal(0)
    payment_terms: str = ''
    # French mandatory mentions (Code de commerce L441-9)
    late_payment_rate: Decimal = None
    recovery_indemnity: Decimal = Decimal(40)
    early_payment_discount: str = ''
    # A credit note names the invoice it credits
    credited_invoice: str = ''
    credited_invoice_date: datetime.date = None
    credit_reason: str = ''
    order_reference: str = ''
    # User-defined fields marked for printing, printed in the header
    extra_fields: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # The tax summary as the accounting computed it (TaxSummaryLine list):
    # when set, it wins over the summary computed from the lines, so that
    # the document never disagrees with the ledger (e.g. taxes rounded per
    # line by the host's configuration)
    taxes: list = None
    # When the document was issued (the posting): the PDF's creation and
    # modification dates, so that rendering again gives the same bytes;
    # by default the invoice date at midnight UTC
    issued_at: datetime.datetime = None
    # French mentions: the category of the operation (GOODS, SERVICES,
    # MIXED), the seller's option for VAT on debits, and whether deposit
    # invoices are deducted (a final invoice: billing framework 4)
    # The VAT total in euros (EN 16931 BT-6/BT-111) of an invoice in
    # another currency, as the French rules want it (BR-FR-CO-12)
    tax_amount_eur: Decimal = None
    # A draft: watermarked, nothing payable on it
    draft: bool = False
    operation_category: str = SERVICES
    vat_on_debits: bool = False
    deposits_deducted: bool = False
    # Values for the blocks other modules add (see pdf.with_block), by key:
    # e.g. mentorsig_payment_links puts its URL under 'payment_link'
    extensions: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown invoice kind {self.kind!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")
        if self.operation_category not in OPERATION_CATEGORIES:
            raise ValueError(
                f"unknown operation category {self.operation_category!r}")
        # Text is made safe where it enters the document, once
        clean_fields(self)

    @property
    def billing_framework(self):
        """The French billing framework (BT-23, "cadre de facturation"):
        B goods, S services, M both; 1 an invoice or credit note, 4 a
        final invoice after deposits (never a deposit: BR-FR-CO-08)"""
        letter = _FRAMEWORK_LETTERS[self.operation_category]
        final = self.deposits_deducted and self.kind == INVOICE
        return letter + ('4' if final else '1')

    @property
    def lines(self):
        return [i for i in self.items if isinstance(i, Line)]

    def items_with_subtotals(self):
        """Yield the items in order, with a Subtotal closing each section

        A section runs from its title to the next title or the end.
        """
        section, amount = None, Decimal(0)
        for item in self.items:
            if isinstance(item, Section):
                if section and section.show_subtotal:
                    yield Subtotal(section, amount)
                section, amount = item, Decimal(0)
            elif isinstance(item, Line):
                amount += item.amount
            yield item
        if section and section.show_subtotal:
            yield Subtotal(section, amount)

    @property
    def tax_summary(self):
        """One line per VAT category and rate, the tax rounded per rate

        Rounding per rate rather than per line is what EN 16931 checks
        (BR-CO-17) and what French accountants expect.
        """
        computed = self._computed_tax_summary()
        if self.taxes is None:
            return computed
        # The ledger's figures win; lines bearing no tax at all have no
        # ledger tax line, yet EN 16931 needs their breakdown: complete
        # with the computed ones.  A zero-rate breakdown takes its base
        # from the lines, so that untaxed lines of the same category as a
        # 0 % tax are counted (BR-E-08, BR-O-08, BR-Z-08).
        summary = []
        computed = {(t.category, t.rate): t for t in computed}
        for tax in self.taxes:
            line = computed.pop((tax.category, tax.rate), None)
            if line is not None and not tax.rate and line.base != tax.base:
                tax = TaxSummaryLine(
                    rate=tax.rate, category=tax.category, base=line.base,
                    amount=tax.amount, exemption_reason=(
                        tax.exemption_reason or line.exemption_reason))
            summary.append(tax)
        summary.extend(computed.values())
        return sorted(summary, key=lambda t: (-t.rate, t.category))

    def _computed_tax_summary(self):
        bases = {}
        reasons = {}
        for line in self.lines:
            key = (line.vat_category, line.vat_rate)
            bases[key] = bases.get(key, Decimal(0)) + line.amount
            if line.vat_exemption_reason:
                reasons.setdefault(key, line.vat_exemption_reason)
        return [
            TaxSummaryLine(
                rate=rate, category=category, base=base,
                amount=round_money(base * rate / HUNDRED),
                exemption_reason=reasons.get((category, rate), ''))
            for (category, rate), base in sorted(
                bases.items(), key=lambda i: (-i[0][1], i[0][0]))]

    @property
    def untaxed_amount(self):
        return sum((l.amount for l in self.lines), Decimal(0))

    @property
    def discount_total(self):
        return sum((l.discount_amount for l in self.lines), Decimal(0))

    @property
    def tax_amount(self):
        return sum((t.amount for t in self.tax_summary), Decimal(0))

    @property
    def total_amount(self):
        return self.untaxed_amount + self.tax_amount

    @property
    def prepaid_amount(self):
        """Payments received (EN 16931 BT-113)

        A deposit invoice is deducted by lines of negative quantity on the
        final invoice, one per VAT rate (see sale.py), so that the VAT
        given back is in the tax summary; it is not a prepaid amount.
        """
        return self.amount_paid

    @property
    def amount_due(self):
        return self.total_amount - self.prepaid_amount

    @property
    def payment_reference(self):
        return self.number
