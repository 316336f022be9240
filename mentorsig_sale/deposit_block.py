# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The block of the invoice PDF that sums up the deposits deducted on a
final invoice (reportlab only: the invoice adds it to its blocks in
sale_invoice.py)."""
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from mentorsig_invoicing.document.layout import FONT, FONT_BOLD, MUTED

# The deposits recalled above the totals of a final invoice, so that the
# reader meets what is left to pay before the "Net à payer" band
DEPOSIT_LABELS = {
    'fr': ("Total avant acomptes", "Déjà facturé en acompte",
        "Reste à payer"),
    'en': ("Total before deposits", "Already invoiced as deposit",
        "Balance due"),
    }


def deposits_block(context):
    "What the deposits deducted on the invoice came to"
    deposits = context.document.extensions.get('deposits')
    if not deposits:
        return []
    fmt = context.fmt
    labels = DEPOSIT_LABELS.get(fmt.language, DEPOSIT_LABELS['en'])
    rows = [
        [labels[0], fmt.money(deposits['total_before'])],
        [labels[1], fmt.money(-deposits['deducted'])],
        [labels[2], fmt.money(deposits['remaining'])],
        ]
    table = Table(rows, colWidths=[52 * mm, 30 * mm], hAlign='RIGHT')
    table.setStyle(TableStyle([
                ('FONT', (0, 0), (-1, -1), FONT, 8),
                ('FONT', (0, -1), (-1, -1), FONT_BOLD, 8),
                ('TEXTCOLOR', (0, 0), (-1, -2), MUTED),
                ('ALIGN', (1, 0), (1, -1), 'RIGHT'),
                ]))
    return [table, Spacer(1, 4 * mm)]
