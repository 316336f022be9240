# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The page geometry, fonts, colours and drawing helpers of the invoice PDF
(the blocks and the registry are in `pdf`).

Fonts are DejaVu TrueType, embedded (subset) in every PDF, because PDF/A-3
(Factur-X) forbids the 14 standard fonts that reportlab otherwise uses.
DejaVu has Latin, Greek, Cyrillic, Hebrew and Arabic but neither CJK nor
most emoji: reportlab has no font fallback of its own, so each text is cut
into runs of the first font that has its characters (`font_runs`): DejaVu,
then WenQuanYi Zen Hei (CJK), then Symbola (emoji and symbols), both
TrueType-outlined (reportlab cannot embed the CFF outlines of Noto CJK nor
the colour bitmaps of Noto Color Emoji).  A character no font has prints as
U+FFFD, a real glyph, never as the missing-glyph box PDF/A forbids.
Right-to-left text (Hebrew, Arabic) is drawn in visual order, line by line
once wrapped, its Arabic letters in their joined forms (`visual`:
python-bidi and arabic-reshaper; reportlab reorders only with rlbidi, which
is not on PyPI).
"""
import functools
import io
import unicodedata
import os
import re
import zlib

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from xml.sax.saxutils import escape
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Flowable, Image, TableStyle

from .content import footer_text  # noqa: F401 (imported from here before)

FONT = 'MentorSiG-Sans'
FONT_BOLD = 'MentorSiG-Sans-Bold'
FONT_FILES = {FONT: 'DejaVuSans.ttf', FONT_BOLD: 'DejaVuSans-Bold.ttf'}
# Debian's fonts-dejavu-core (scripts/system-packages installs it);
# MENTORSIG_FONT_DIR points elsewhere on other systems
FONT_DIRS = ['/usr/share/fonts/truetype/dejavu']
# The fonts of the characters DejaVu lacks, in the order they are tried:
# Debian's fonts-wqy-zenhei (Chinese, Japanese, Korean) and fonts-symbola
FALLBACK_FONTS = (
    ('MentorSiG-CJK', 'wqy-zenhei.ttc', '/usr/share/fonts/truetype/wqy'),
    ('MentorSiG-Symbols', 'Symbola_hint.ttf',
        '/usr/share/fonts/truetype/ancient-scripts'),
    )
REPLACEMENT = '\ufffd'

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


class _SubsetCache:
    """The embedded subsets of a font, made and compressed once

    reportlab makes and compresses the subset of each font for every PDF
    (about 2 ms + 2 ms per font, an eighth of a one-page invoice), while
    the invoices of a company use nearly the same characters: the subsets
    are cached on the glyphs they hold.  Same bytes as reportlab's own
    (same subset, same zlib compression).
    """

    def __init__(self, face):
        self.face = face
        self.make_subset = face.makeSubset
        face.addSubsetObjects = self.add_subset_objects

    @functools.lru_cache(maxsize=64)
    def subset(self, glyphs):
        data = self.make_subset(list(glyphs))
        return len(data), zlib.compress(data)

    def add_subset_objects(self, doc, fontname, subset):
        "As TTFontFace.addSubsetObjects, the font file from the cache"
        face = self.face
        length, compressed = self.subset(tuple(subset))
        font_file = pdfdoc.PDFStream()
        font_file.dictionary['Length1'] = length
        if doc.compression:
            font_file.content = compressed
            # already compressed: PDFStream applies no other filter
            font_file.dictionary['Filter'] = pdfdoc.PDFArray(
                [pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
        else:
            font_file.content = self.make_subset(list(subset))
        font_file_ref = doc.Reference(font_file,
            'fontFile:%s(%s)' % (face.filename, fontname))
        flags = (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary({
                'Type': '/FontDescriptor',
                'Ascent': face.ascent,
                'CapHeight': face.capHeight,
                'Descent': face.descent,
                'Flags': flags,
                'FontBBox': pdfdoc.PDFArray(face.bbox),
                'FontName': pdfdoc.PDFName(fontname),
                'ItalicAngle': face.italicAngle,
                'StemV': face.stemV,
                'FontFile2': font_file_ref,
                'MissingWidth': face.defaultWidth,
                })
        return doc.Reference(descriptor, 'fontDescriptor:' + fontname)


def _to_unicode_cmap(fontname, subset, _host=ttfonts.makeToUnicodeCMap):
    """reportlab's ToUnicode CMap with the characters beyond U+FFFF as
    UTF-16 surrogate pairs, as the PDF reference wants (reportlab writes
    <1F69A> for an emoji: its text could not be searched nor copied)"""
    cmap = _host(fontname, subset)
    for code in subset:
        if code > 0xFFFF:
            cmap = cmap.replace('> <%04X>\n' % code, '> <%s>\n' % (
                    chr(code).encode('utf-16-be').hex().upper()), 1)
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def register_fonts():
    global _fonts_registered
    if _fonts_registered:
        return
    dirs = list(FONT_DIRS)
    if os.environ.get('MENTORSIG_FONT_DIR'):
        dirs.insert(0, os.environ['MENTORSIG_FONT_DIR'])
    files = [(name, filename, dirs) for name, filename in FONT_FILES.items()]
    files += [(name, filename, dirs[:1] + [folder])
        for name, filename, folder in FALLBACK_FONTS]
    for name, filename, folders in files:
        for folder in folders:
            path = os.path.join(folder, filename)
            if os.path.exists(path):
                # a collection (.ttc): its first face
                font = TTFont(name, path, subfontIndex=0)
                _SubsetCache(font.face)
                pdfmetrics.registerFont(font)
                break
        else:
            raise RuntimeError(
                f"font {filename} not found in {folders}: install Debian's "
                "fonts-dejavu-core, fonts-wqy-zenhei and fonts-symbola "
                "(scripts/system-packages)")
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    for name, _, _ in FALLBACK_FONTS:
        # no bold face: bold text falls back to the regular one
        pdfmetrics.registerFontFamily(
            name, normal=name, bold=name, italic=name, boldItalic=name)
    _fonts_registered = True


@functools.cache
def _characters(font):
    "The characters a registered font has a glyph for (and the newline)"
    return frozenset(
        map(chr, pdfmetrics.getFont(font).face.charToGlyph)) | {'\n'}


def covered(text, font=FONT):
    "Whether the font has every character of the text"
    return _characters(font).issuperset(text)


# Hebrew, Arabic, Syriac, Thaana, N'Ko... and their presentation forms
_RIGHT_TO_LEFT = re.compile(
    '[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc'
    '\U00010800-\U00010fff\U0001e800-\U0001efff]')


def visual(line):
    """A line of text in the order its glyphs are drawn, left to right:
    right-to-left runs reversed (Unicode bidi algorithm, the paragraph's
    direction from its first strong character), Arabic letters joined"""
    if _RIGHT_TO_LEFT.search(line) is None:
        return line
    from arabic_reshaper import reshape
    from bidi import get_display
    return get_display(reshape(line))


def plain(text, font=FONT):
    """Whether the text draws as it is, one font and left to right (else
    it needs font runs or the bidi algorithm)"""
    return covered(text, font) and _RIGHT_TO_LEFT.search(text) is None


@functools.lru_cache(maxsize=4096)
def font_runs(text, font=FONT):
    """The text as [(font, part)]: each part in the first font that has
    its characters (the given one, then FALLBACK_FONTS); a character none
    has is U+FFFD, an invisible one (a variation selector, a joiner) none
    has is left out"""
    if covered(text, font):
        return ((font, text),)
    fonts = list(dict.fromkeys(
            [font, FONT] + [name for name, _, _ in FALLBACK_FONTS]))
    runs = []
    for char in text:
        for name in fonts:
            if char in _characters(name):
                break
        else:
            if unicodedata.category(char) in {'Mn', 'Me', 'Cf'}:
                continue
            name, char = font, REPLACEMENT
        if runs and runs[-1][0] == name:
            runs[-1][1] += char
        else:
            runs.append([name, char])
    return tuple((name, part) for name, part in runs)


def text_width(text, font, size):
    "The width of the text drawn through its font runs"
    return sum(pdfmetrics.stringWidth(part, name, size)
        for name, part in font_runs(text, font))


def markup(text, font=FONT):
    """Paragraph markup of a plain text: escaped, its line breaks kept and
    the characters the font lacks in the fallback font that has them;
    right-to-left text in visual order (a text that wraps is reordered
    before the paragraph breaks it in lines: keep such texts short)"""
    if plain(text, font):
        return escape(text).replace('\n', '<br/>')
    text = '\n'.join(visual(line) for line in text.split('\n'))
    return ''.join(
        escape(part).replace('\n', '<br/>') if name == font
        else '<font name="%s">%s</font>' % (
            name, escape(part).replace('\n', '<br/>'))
        for name, part in font_runs(text, font))


def draw_string(canvas, x, y, text, font, size, right=False):
    "canvas.drawString (or drawRightString) through the font runs"
    text = visual(text)
    runs = font_runs(text, font)
    if len(runs) == 1 and runs[0][0] == font:
        canvas.setFont(font, size)
        if right:
            canvas.drawRightString(x, y, runs[0][1])
        else:
            canvas.drawString(x, y, runs[0][1])
        return
    if right:
        x -= text_width(text, font, size)
    text_object = canvas.beginText(x, y)
    for name, part in runs:
        text_object.setFont(name, size)
        text_object.textOut(part)
    canvas.drawText(text_object)


def split_lines(text, font, size, width):
    """The lines of a text wrapped on spaces within the width; a word
    wider than the width is cut between its characters"""
    if covered(text, font):
        lines = simpleSplit(text, font, size, width)
        if all(pdfmetrics.stringWidth(l, font, size) <= width
                for l in lines):
            return lines
    lines = []
    for paragraph in text.split('\n'):
        current = ''
        for word in paragraph.split(' '):
            candidate = f'{current} {word}' if current else word
            if text_width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ''
            while len(word) > 1 and text_width(word, font, size) > width:
                # the longest head of the word that fits, one char at least
                low, high = 1, len(word) - 1
                while low < high:
                    middle = (low + high + 1) // 2
                    if text_width(word[:middle], font, size) <= width:
                        low = middle
                    else:
                        high = middle - 1
                lines.append(word[:low])
                word = word[low:]
            current = word
        lines.append(current)
    return lines


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
        'cell_right': ParagraphStyle(
            'cell_right', base, fontSize=8, leading=9.8, alignment=TA_RIGHT),
        'fact_label': ParagraphStyle(
            'fact_label', base, fontSize=7.5, leading=9),
        'fact_value': ParagraphStyle(
            'fact_value', base, fontSize=8.5, leading=10, alignment=TA_RIGHT),
        'right': ParagraphStyle('right', base, alignment=TA_RIGHT),
        'left': ParagraphStyle('left', base, alignment=TA_LEFT),
    }



# --- drawing helpers -----------------------------------------------------

class PlainText(Flowable):
    """Plain text in one paragraph style, wrapped on spaces

    Most texts of an invoice (addresses, titles, legal mentions) have no
    markup: this draws them in one text object, several times faster than
    a Paragraph, which parses markup and measures each word as a fragment
    (the bench target is 50 pages/s).  Newlines are kept; a text taller
    than the frame splits between its lines, as a Paragraph does.
    """

    def __init__(self, text, style, lines=None):
        super().__init__()
        self.text = text
        self.style = style
        self.lines = lines

    def _split_lines(self, width):
        style = self.style
        lines = []
        for part in self.text.split('\n'):
            lines.extend(split_lines(
                    part, style.fontName, style.fontSize, width) or [''])
        return lines

    def wrap(self, availWidth, availHeight):
        if self.lines is None or getattr(self, '_wrapped', None) != availWidth:
            if self.text is not None:
                self.lines = self._split_lines(availWidth)
            self._wrapped = availWidth
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fitting = int(availHeight // self.style.leading)
        if fitting <= 0:
            return []
        if fitting >= len(self.lines):
            return [self]
        return [PlainText(None, self.style, self.lines[:fitting]),
            PlainText(None, self.style, self.lines[fitting:])]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        style, canvas = self.style, self.canv
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        # The first baseline where a Paragraph puts it
        y = self.height - style.fontSize
        right = style.alignment == TA_RIGHT
        for line in self.lines:
            draw_string(canvas, self.width if right else 0, y, line,
                style.fontName, style.fontSize, right=right)
            y -= style.leading


class QRFlowable(Flowable):
    "A segno QR code drawn as vector rectangles (no raster image to embed)"

    def __init__(self, qr, size, border=2):
        super().__init__()
        self.qr = qr
        self.border = border
        self.size = size
        self.width = self.height = size

    def draw(self):
        count = len(self.qr.matrix) + 2 * self.border
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        # One rectangle per run of dark modules keeps the PDF small; the
        # runs are found by a regular expression and the operators written
        # at once (a QR code has about 500 runs)
        for start, end, top in self.runs():
            path._code_append('%s re' % fp_str(
                    (start + self.border) * module,
                    self.size - (top + self.border + 1) * module,
                    (end - start) * module, module))
        canvas.drawPath(path, stroke=0, fill=1)

    def runs(self):
        "The (start, end, row) of the runs of dark modules"
        for y, row in enumerate(self.qr.matrix):
            for match in _DARK_RUN.finditer(bytes(row).translate(_DARK)):
                yield match.start(), match.end(), y


# segno's matrix: odd values are dark modules
_DARK = bytes(i & 1 for i in range(256))
_DARK_RUN = re.compile(rb'\x01+')


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
        if current and text_width(candidate, font, size) > width:
            lines.append(current)
            current = part
        else:
            current = candidate
    lines.append(current)
    return lines


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
