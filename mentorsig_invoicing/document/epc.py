# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""EPC QR code ("GiroCode", EPC069-12): a SEPA credit transfer a banking
app fills in by scanning the invoice.

Version 002 (BIC optional), error level M, payload at most 331 bytes: segno
enforces all three; this module only decides when a code is printed and
keeps each field within its EPC length.
"""
import functools
from decimal import Decimal

import segno.helpers

# EPC069-12 field limits
NAME_MAX = 70
REMITTANCE_TEXT_MAX = 140
AMOUNT_MIN = Decimal('0.01')
AMOUNT_MAX = Decimal('999999999.99')


def remittance_text(document):
    "What the customer's transfer carries so that it is matched to the invoice"
    text = document.payment_reference
    if document.buyer.name:
        text = f'{text} {document.buyer.name}'
    return text[:REMITTANCE_TEXT_MAX]


def is_printable(document):
    """An EPC code makes sense for an amount due in EUR to a known IBAN,
    never on a draft (it is not payable yet)"""
    return bool(
        not getattr(document, 'draft', False)
        and document.currency == 'EUR'
        and document.seller.iban
        and document.kind != 'credit_note'
        and AMOUNT_MIN <= document.amount_due <= AMOUNT_MAX)


def _arguments(document):
    return dict(
        name=document.seller.name[:NAME_MAX],
        iban=document.seller.iban.replace(' ', '').upper(),
        amount=document.amount_due,
        text=remittance_text(document),
        bic=(document.seller.bic or '').replace(' ', '').upper() or None)


# Choosing the best of the 8 QR masks (segno scores each one) is 3/4 of the
# cost of a code, about 8 ms, a third of a one-page PDF.  The standard lets
# the encoder use any mask; the scoring only avoids patterns that some old
# readers found hard.  A code of 27 mm printed in black on white reads
# with any of them, so we use one fixed mask (the one segno picks most
# often on EPC payloads in our tests).
MASK = 2
# EPC069-12: error correction level M, at most version 13
ERROR = 'm'
VERSION_MAX = 13


def make_qr(document):
    "The segno QR code of the transfer, or None when nothing is to be paid"
    if not is_printable(document):
        return None
    return _make_epc_qr(**_arguments(document))


# The same invoice is rendered several times (draft previews, posting,
# sending): keep the recent codes
@functools.lru_cache(maxsize=1024)
def _make_epc_qr(**arguments):
    # As segno.helpers.make_epc_qr, with our fixed mask: the level stays M
    # (no error boost) and the version the smallest the payload needs
    qr = segno.make_qr(_payload(**arguments), error=ERROR,
        boost_error=False, mask=MASK)
    if qr.version > VERSION_MAX:
        raise ValueError(
            f"EPC QR code of version {qr.version} > {VERSION_MAX}")
    return qr


def _payload(**arguments):
    # segno builds and checks the payload (lengths, encodings) in this
    # helper; make_epc_qr only wraps it in a QR code
    return segno.helpers._make_epc_qr_data(
        encoding=None, reference=None, purpose=None, **arguments)


def payload(document):
    "The bytes encoded in the code (for tests and the payment page)"
    if not is_printable(document):
        return None
    return _payload(**_arguments(document))
