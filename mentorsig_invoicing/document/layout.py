# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The page geometry, fonts, colours and drawing helpers of the invoice PDF
(the blocks and the registry are in `pdf`).

Fonts are DejaVu TrueType, embedded (subset) in every PDF, because PDF/A-3
(Factur-X) forbids the 14 standard fonts that reportlab otherwise uses.
"""
import io
import os

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, Image, TableStyle

FONT = 'MentorSiG-Sans'
FONT_BOLD = 'MentorSiG-Sans-Bold'
FONT_FILES = {FONT: 'DejaVuSans.ttf', FONT_BOLD: 'DejaVuSans-Bold.ttf'}
# Debian's fonts-dejavu-core (scripts/system-packages installs it);
# MENTORSIG_FONT_DIR points elsewhere on other systems
FONT_DIRS = ['/usr/share/fonts/truetype/dejavu']

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 16 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 24 * mm
CONTINUED_HEADER = 10 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

ACCENT = colors.HexColor('#1f3a5f')
LIGHT = colors.HexColor('#eef2f7')
RULE = colors.HexColor('#c8d0da')
MUTED = colors.HexColor('#555f6b')

_fonts_registered = False


def register_fonts():
    global _fonts_registered
    if _fonts_registered:
        return
    dirs = list(FONT_DIRS)
    if os.environ.get('MENTORSIG_FONT_DIR'):
        dirs.insert(0, os.environ['MENTORSIG_FONT_DIR'])
    for name, filename in FONT_FILES.items():
        for folder in dirs:
            path = os.path.join(folder, filename)
            if os.path.exists(path):
                pdfmetrics.registerFont(TTFont(name, path))
                break
        else:
            raise RuntimeError(
                f"font {filename} not found in {dirs}: install Debian's "
                "fonts-dejavu-core (scripts/system-packages)")
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_registered = True


def _styles():
    base = ParagraphStyle(
        'base', fontName=FONT, fontSize=8.5, leading=10.5)
    return {
        'base': base,
        'small': ParagraphStyle('small', base, fontSize=7.5, leading=9.2),
        'muted': ParagraphStyle(
            'muted', base, fontSize=7.5, leading=9.2, textColor=MUTED),
        'seller': ParagraphStyle(
            'seller', base, fontName=FONT_BOLD, fontSize=12, leading=15),
        'title': ParagraphStyle(
            'title', base, fontName=FONT_BOLD, fontSize=20, leading=24,
            textColor=ACCENT, alignment=TA_RIGHT),
        'number': ParagraphStyle(
            'number', base, fontName=FONT_BOLD, fontSize=11, leading=14,
            alignment=TA_RIGHT),
        'label': ParagraphStyle(
            'label', base, fontName=FONT_BOLD, fontSize=7.5, leading=10,
            textColor=ACCENT),
        'heading': ParagraphStyle(
            'heading', base, fontName=FONT_BOLD, fontSize=9, leading=12,
            textColor=ACCENT, spaceBefore=2, spaceAfter=2),
        'cell': ParagraphStyle('cell', base, fontSize=8, leading=9.8),
        'fact_label': ParagraphStyle(
            'fact_label', base, fontSize=7.5, leading=9),
        'fact_value': ParagraphStyle(
            'fact_value', base, fontSize=8.5, leading=10, alignment=TA_RIGHT),
        'right': ParagraphStyle('right', base, alignment=TA_RIGHT),
        'left': ParagraphStyle('left', base, alignment=TA_LEFT),
    }



# --- drawing helpers -----------------------------------------------------

class QRFlowable(Flowable):
    "A segno QR code drawn as vector rectangles (no raster image to embed)"

    def __init__(self, qr, size, border=2):
        super().__init__()
        self.qr = qr
        self.border = border
        self.size = size
        self.width = self.height = size

    def draw(self):
        matrix = self.qr.matrix
        count = len(matrix) + 2 * self.border
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for y, row in enumerate(matrix):
            top = self.size - (y + self.border + 1) * module
            x = 0
            # One rectangle per run of dark modules keeps the PDF small
            while x < len(row):
                if row[x] & 1:
                    start = x
                    while x < len(row) and row[x] & 1:
                        x += 1
                    path.rect((start + self.border) * module, top,
                        (x - start) * module, module)
                else:
                    x += 1
        canvas.drawPath(path, stroke=0, fill=1)


def _logo(data, max_width=45 * mm, max_height=20 * mm):
    reader = ImageReader(io.BytesIO(data))
    width, height = reader.getSize()
    scale = min(max_width / width, max_height / height)
    image = Image(io.BytesIO(data), width * scale, height * scale)
    image.hAlign = 'LEFT'
    return image


def _group_iban(iban):
    compact = iban.replace(' ', '').upper()
    return ' '.join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _no_padding(vertical=0):
    return TableStyle([
            ('FONT', (0, 0), (-1, -1), FONT, 8.5),
            ('VALIGN', (0, 0), (-1, -1), 'TOP'),
            ('LEFTPADDING', (0, 0), (-1, -1), 0),
            ('RIGHTPADDING', (0, 0), (-1, -1), 0),
            ('TOPPADDING', (0, 0), (-1, -1), vertical),
            ('BOTTOMPADDING', (0, 0), (-1, -1), vertical),
            ])


def _wrap(text, font, size, width, separator=' · '):
    "Split a footer on its separators into lines that fit the width"
    lines, current = [], ''
    for part in text.split(separator):
        candidate = current + separator + part if current else part
        if current and pdfmetrics.stringWidth(
                candidate, font, size) > width:
            lines.append(current)
            current = part
        else:
            current = candidate
    lines.append(current)
    return lines


def footer_text(document, fmt):
    "The seller's legal identity, printed at the bottom of every page"
    seller = document.seller
    parts = [seller.name]
    if seller.legal_form:
        form = seller.legal_form
        if seller.share_capital:
            form += ' ' + fmt('share_capital', capital=seller.share_capital)
        parts.append(form)
    if seller.siren:
        parts.append(' '.join(
                p for p in ('SIREN', seller.siren, seller.registry) if p))
    if seller.vat_number:
        parts.append(fmt('legal_vat', vat=seller.vat_number))
    parts.append(', '.join(seller.address.printed_lines()))
    return ' · '.join(p for p in parts if p)


class _NumberedCanvas(pdfcanvas.Canvas):
    """Defers the page decorations to the end, when the page count is known

    "Page x / y" needs y: each finished page's state is kept and the
    decorations are drawn on all of them at save time.
    """
    decorate = None  # set per render: callable(canvas, page, pages)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._page_states = []

    def showPage(self):
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        pages = len(self._page_states)
        for page, state in enumerate(self._page_states, 1):
            self.__dict__.update(state)
            self.decorate(self, page, pages)
            super().showPage()
        super().save()
