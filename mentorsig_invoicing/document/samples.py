# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Sample invoice documents for the tests, the bench and the docs preview.

One realistic French invoice: three VAT rates (20, 10 and 5.5 %), a line
discount, two sections, a deposit deducted (as the
final invoice of an order deducts it: a line of quantity -1 at 20 %), the legal mentions.
"""
import datetime
import io
from decimal import Decimal

from .model import (
    INVOICE, Address, ExtraField, InvoiceDocument, Line, Party,
    Section, Seller)


def seller():
    return Seller(
        name="MentorSiG Démo SAS",
        address=Address(["12 rue de la Paix"], '75002', "Paris"),
        siren='732829320', vat_number='FR44732829320',
        email='facturation@demo.example', phone='01 23 45 67 89',
        website='www.demo.example',
        legal_form='SAS', share_capital='10 000 €', registry='RCS Paris',
        iban='FR76 3000 6000 0112 3456 7890 189', bic='AGRIFRPP',
        bank_name="Crédit Agricole")


def sample_logo():
    "A made-up logo (PNG): a blue square with the initials, then the name"
    from PIL import Image, ImageDraw, ImageFont
    scale = 4
    image = Image.new('RGB', (330 * scale, 80 * scale), 'white')
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 80 * scale, 80 * scale), 14 * scale,
        fill=(31, 58, 95))
    bold = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'
    draw.text((40 * scale, 41 * scale), 'MS', fill='white', anchor='mm',
        font=ImageFont.truetype(bold, 34 * scale))
    draw.text((95 * scale, 40 * scale), 'MentorSiG', fill=(31, 58, 95),
        anchor='lm', font=ImageFont.truetype(bold, 36 * scale))
    buffer = io.BytesIO()
    image.save(buffer, 'PNG')
    return buffer.getvalue()


def buyer():
    return Party(
        name="Boulangerie Dupont SARL",
        address=Address(["3 place du Marché", "Bâtiment B"], '69002', "Lyon"),
        siren='552100554', vat_number='FR40552100554',
        email='compta@dupont.example')


def sample_invoice(lines=6, language='fr', kind=INVOICE, deposit=True):
    """An invoice of `lines` service lines plus two supply lines at 10 %
    and 5.5 %, every third service line discounted by 10 %"""
    items = [Section("Prestations" if language == 'fr' else "Services")]
    for index in range(lines):
        items.append(Line(
                description=(
                    f"Développement spécifique, lot {index + 1}"
                    if language == 'fr'
                    else f"Custom development, batch {index + 1}"),
                quantity=Decimal('2.5'), unit_price=Decimal('480.00'),
                vat_rate=Decimal('20'),
                unit='jour' if language == 'fr' else 'day', unit_code='DAY',
                discount=Decimal('10') if index % 3 == 0 else Decimal(0),
                product_code='DEV'))
    items.append(Section("Fournitures" if language == 'fr' else "Supplies"))
    items.append(Line(
            "Repas du séminaire" if language == 'fr' else "Seminar lunch",
            Decimal('12'), Decimal('18.90'), Decimal('10'),
            unit='pers.', unit_code='C62'))
    items.append(Line(
            "Ouvrages techniques" if language == 'fr' else "Technical books",
            Decimal('3'), Decimal('42.50'), Decimal('5.5'),
            unit='pièce' if language == 'fr' else 'piece', unit_code='H87'))
    if deposit:
        # 1,000.00 EUR paid as a deposit at 20 %: 833.33 before tax
        items.append(Section(
                "Acomptes" if language == 'fr' else "Deposits",
                show_subtotal=False))
        items.append(Line(
                "Acompte déduit, facture A-2026-00007 du 02/10/2026"
                if language == 'fr'
                else "Deposit deducted, invoice A-2026-00007 of 2026-10-02",
                Decimal('-1'), Decimal('833.33'), Decimal('20'),
                unit='', unit_code='C62'))
    return InvoiceDocument(
        kind=kind, number='F-2026-00042', seller=seller(), buyer=buyer(),
        invoice_date=datetime.date(2026, 11, 27),
        due_date=datetime.date(2026, 12, 27),
        delivery_date=datetime.date(2026, 11, 20),
        delivery_address=Address(
            ["Zone artisanale", "8 allée des Fours"], '69100',
            "Villeurbanne"),
        items=items, language=language,
        payment_terms="30 jours net" if language == 'fr' else "30 days net",
        late_payment_rate=Decimal('12.15'),
        order_reference='BC-7781',
        extra_fields=[ExtraField(
                "Chantier" if language == 'fr' else "Site",
                "Lyon Presqu'île")])
