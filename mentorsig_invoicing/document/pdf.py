# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The A4 PDF of an invoice document, drawn with reportlab (no LibreOffice).

`render(document)` returns the PDF bytes.  The page is a flow of blocks
(header, addresses, lines, totals, payment, ...): each block is a function
of a `RenderContext` that returns reportlab flowables.

Extension point: the blocks printed are a list that `render` takes, by
default `DEFAULT_BLOCKS`.  The ORM chooses them per database: the invoice's
`_mentorsig_pdf_blocks()` classmethod returns the list, and a module adds
its own block by overriding it, so that a server serving several databases
prints each module's block only where that module is activated.  A block's
`build(context)` returns a list of flowables (or an empty list); it reads
what it needs from `context.document.extensions[<its key>]`, which the
module's ORM glue fills, and prints nothing when the key is missing.
Example, in mentorsig_payment_links::

    from mentorsig_invoicing.document import pdf

    def payment_link_block(context):
        url = context.document.extensions.get('payment_link')
        if not url:
            return []
        return [context.paragraph(url, 'small')]

    class Invoice(metaclass=PoolMeta):
        __name__ = 'account.invoice'

        @classmethod
        def _mentorsig_pdf_blocks(cls):
            return pdf.with_block(super()._mentorsig_pdf_blocks(),
                pdf.Block('payment_link', payment_link_block),
                after='payment')

Page geometry, fonts and drawing helpers are in `layout`.
"""
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Spacer,
    Table, TableStyle)

from . import content, epc
from .layout import (
    ACCENT, BODY_WIDTH, CONTINUED_HEADER, FONT, FONT_BOLD, LIGHT, MARGIN_BOTTOM,
    MARGIN_TOP, MARGIN_X, MUTED, PAGE_HEIGHT, PAGE_WIDTH, PlainText, RULE,
    QRFlowable,
    _group_iban, _logo, _no_padding, _NumberedCanvas, _styles, _wrap,
    draw_string, footer_text, markup, plain, register_fonts)
from .model import CREDIT_NOTE, Section, Subtotal, clean_fields
from .strings import Formatter

@dataclass
class RenderContext:
    "What a block needs to draw itself"
    document: object
    fmt: Formatter
    styles: dict
    width: float = BODY_WIDTH

    def paragraph(self, text, style='base'):
        "A paragraph of plain text (newlines kept)"
        return PlainText(text, self.styles[style])

    def markup(self, markup, style='base'):
        "A paragraph of reportlab markup the caller escaped"
        return Paragraph(markup, self.styles[style])


@dataclass
class Block:
    name: str
    build: object  # callable(RenderContext) -> list of flowables


def with_block(blocks, block, before=None, after=None):
    """A new list of blocks: `blocks` with `block` before or after a named
    one (at the end by default); a block of the same name is replaced in
    place"""
    blocks = list(blocks)
    names = [b.name for b in blocks]
    if block.name in names:
        blocks[names.index(block.name)] = block
    elif before is not None:
        blocks.insert(names.index(before), block)
    elif after is not None:
        blocks.insert(names.index(after) + 1, block)
    else:
        blocks.append(block)
    return blocks


# --- default blocks ------------------------------------------------------

def title(context):
    return content.title(context.document, context.fmt)


def header_block(context):
    doc, fmt = context.document, context.fmt
    seller = doc.seller
    left = []
    if seller.logo:
        left.append(_logo(seller.logo))
        left.append(Spacer(1, 2 * mm))
    left.append(context.paragraph(seller.name, 'seller'))
    contact = seller.address.printed_lines() + [
        v for v in (seller.phone, seller.email, seller.website) if v]
    left.append(context.paragraph('\n'.join(contact), 'small'))

    facts = content.header_facts(doc, fmt)
    # As wide as its column: it ends at the right margin, as the title
    facts_table = Table(
        [_fact_row(context, k, v) for k, v in facts],
        colWidths=[context.width * 0.5 - 38 * mm, 38 * mm], hAlign='RIGHT')
    facts_table.setStyle(TableStyle([
                ('FONT', (0, 0), (0, -1), FONT, 7.5),
                ('FONT', (1, 0), (1, -1), FONT, 8.5),
                ('ALIGN', (1, 0), (1, -1), 'RIGHT'),
                ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
                ('LINEBELOW', (0, 0), (-1, -1), 0.4, RULE),
                ('TOPPADDING', (0, 0), (-1, -1), 1.5),
                ('BOTTOMPADDING', (0, 0), (-1, -1), 1.5),
                # the dates end at the right margin, under the title's end
                ('RIGHTPADDING', (1, 0), (1, -1), 0),
                ]))
    right = [
        context.paragraph(title(context).upper(), 'title'),
        context.paragraph(f"{fmt('number')} {doc.number}", 'number'),
        Spacer(1, 2 * mm), facts_table]
    table = Table([[left, right]], colWidths=[context.width * 0.5] * 2)
    table.setStyle(_no_padding())
    return [table, Spacer(1, 6 * mm)]


def _fact_row(context, label, value):
    "A row of the header facts: plain strings unless a text must wrap"
    if not _fits(label, context.width * 0.5 - 38 * mm, size=7.5, padding=0):
        label = context.paragraph(label, 'fact_label')
    if not _fits(value, 38 * mm, size=8.5, padding=0):
        value = context.paragraph(value, 'fact_value')
    return [label, value]


def parties_block(context):
    doc, fmt = context.document, context.fmt
    buyer = doc.buyer
    bill_to = [context.paragraph(fmt('bill_to'), 'label'),
        context.markup(f'<b>{markup(buyer.name)}</b>'),
        context.paragraph('\n'.join(buyer.address.printed_lines()))]
    ids = content.party_identifiers(buyer, fmt)
    if ids:
        bill_to.append(context.paragraph(ids, 'muted'))
    deliver_to = []
    if doc.delivery_address:
        deliver_to = [context.paragraph(fmt('deliver_to'), 'label'),
            context.paragraph(
                '\n'.join(doc.delivery_address.printed_lines()))]
    # The billing address sits on the right, where a DL window envelope
    # shows it
    table = Table([[deliver_to, bill_to]],
        colWidths=[context.width * 0.5, context.width * 0.5])
    table.setStyle(TableStyle([
                ('FONT', (0, 0), (-1, -1), FONT, 8.5),
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('BOX', (1, 0), (1, 0), 0.6, RULE),
                ('LEFTPADDING', (0, 0), (0, 0), 0),
                ('LEFTPADDING', (1, 0), (1, 0), 4 * mm),
                ('TOPPADDING', (1, 0), (1, 0), 2.5 * mm),
                ('BOTTOMPADDING', (1, 0), (1, 0), 2.5 * mm),
                ]))
    return [table, Spacer(1, 7 * mm)]


LINE_COLUMNS = (
    # key, width in mm, right-aligned
    ('description', 72, False),
    ('quantity', 15, True),
    ('unit', 14, False),
    ('unit_price', 22, True),
    ('discount', 13, True),
    ('vat', 13, True),
    ('amount', 29, True),
    )


def lines_block(context):
    doc, fmt = context.document, context.fmt
    widths = [w * mm for _, w, _ in LINE_COLUMNS]
    widths[0] += context.width - sum(widths)
    # Plain strings rather than Paragraphs wherever a cell is one line:
    # they draw several times faster (the bench target is 50 pages/s)
    rows = [[fmt(key) for key, _, _ in LINE_COLUMNS]]
    commands = [
        ('FONT', (0, 0), (-1, -1), FONT, 8),
        ('FONT', (0, 0), (-1, 0), FONT_BOLD, 7.5),
        ('TEXTCOLOR', (0, 0), (-1, 0), colors.white),
        ('BACKGROUND', (0, 0), (-1, 0), ACCENT),
        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
        ('VALIGN', (0, 0), (-1, 0), 'MIDDLE'),
        ('ALIGN', (1, 0), (1, -1), 'RIGHT'),
        ('ALIGN', (3, 0), (-1, -1), 'RIGHT'),
        ('TOPPADDING', (0, 0), (-1, -1), 2.2),
        ('BOTTOMPADDING', (0, 0), (-1, -1), 2.2),
        ('LEFTPADDING', (0, 0), (-1, -1), 3),
        ('RIGHTPADDING', (0, 0), (-1, -1), 3),
        ]
    # One rule command per run of consecutive lines, not one per line:
    # fewer commands for reportlab to resolve on every cell
    runs = []
    for item in doc.items_with_subtotals():
        row = len(rows)
        if isinstance(item, Section):
            rows.append([_cell(context, item.title, bold=True)]
                + [''] * (len(LINE_COLUMNS) - 1))
            commands += [
                ('SPAN', (0, row), (-1, row)),
                ('FONT', (0, row), (-1, row), FONT_BOLD, 8),
                ('BACKGROUND', (0, row), (-1, row), LIGHT),
                ]
        elif isinstance(item, Subtotal):
            rows.append([_cell(context,
                        fmt('subtotal', title=item.section.title), bold=True,
                        style='cell_right')]
                + [''] * (len(LINE_COLUMNS) - 2)
                + [fmt.money(item.amount)])
            commands += [
                ('SPAN', (0, row), (-2, row)),
                ('ALIGN', (0, row), (0, row), 'RIGHT'),
                ('FONT', (0, row), (-1, row), FONT_BOLD, 8),
                ('LINEABOVE', (-1, row), (-1, row), 0.6, ACCENT),
                ]
        else:
            rows.append(_line_row(context, item, widths[0]))
            if runs and runs[-1][1] == row - 1:
                runs[-1][1] = row
            else:
                runs.append([row, row])
    commands += [('LINEBELOW', (0, first), (-1, last), 0.3, RULE)
        for first, last in runs]
    # splitInRow: a description taller than a page goes on over the next
    table = Table(rows, colWidths=widths, repeatRows=1, splitByRow=1,
        splitInRow=1)
    table.setStyle(TableStyle(commands))
    return [table, Spacer(1, 5 * mm)]


def _fits(text, width, font=FONT, size=8, padding=6):
    """Whether a text fits on one line of a cell (padding included), in
    the cell's font (else it needs a Paragraph for its fallback fonts)"""
    return ('\n' not in text and plain(text, font)
        and pdfmetrics.stringWidth(text, font, size) <= width - padding)


def _cell(context, text, bold=False, style='cell'):
    "A table cell of plain text: a string where the font has it all"
    if plain(text, FONT_BOLD if bold else FONT):
        return text
    text = markup(text)
    return context.markup(f'<b>{text}</b>' if bold else text, style)


def _line_row(context, line, width):
    fmt = context.fmt
    plain = line.description
    if line.product_code:
        plain = f'{line.product_code} · {plain}'
    if not line.note and not line.extra_fields and _fits(plain, width):
        # A plain string draws several times faster than a Paragraph and
        # most descriptions are one line
        description = plain
    else:
        description = _line_description(context, line)
    return [
        description,
        fmt.number(line.quantity, strip=True),
        _cell(context, line.unit),
        fmt.price(line.unit_price),
        fmt.percent(line.discount) if line.discount else '',
        fmt.percent(line.vat_rate),
        fmt.money(line.amount),
        ]


def _line_description(context, line):
    description = markup(line.description)
    if line.product_code:
        description = (
            f'<font color="#555f6b">{markup(line.product_code)}</font> '
            + description)
    for text in content.line_notes(line, context.fmt):
        description += '<br/><font size="7" color="#555f6b">%s</font>' % (
            markup(text))
    return Paragraph(description, context.styles['cell'])


def totals_block(context):
    doc, fmt = context.document, context.fmt
    tax_rows = [[fmt('vat_rate'), fmt('vat_base'), fmt('vat_amount')]]
    tax_rows += [list(row) for row in content.tax_rows(doc, fmt)]
    taxes = Table(tax_rows, colWidths=[16 * mm, 28 * mm, 26 * mm],
        hAlign='LEFT')
    taxes.setStyle(TableStyle([
                ('FONT', (0, 0), (-1, -1), FONT, 8),
                ('FONT', (0, 0), (-1, 0), FONT_BOLD, 7.5),
                ('TEXTCOLOR', (0, 0), (-1, 0), ACCENT),
                ('ALIGN', (0, 0), (-1, -1), 'RIGHT'),
                ('LINEBELOW', (0, 0), (-1, -1), 0.3, RULE),
                ('TOPPADDING', (0, 0), (-1, -1), 1.5),
                ('BOTTOMPADDING', (0, 0), (-1, -1), 1.5),
                ]))

    totals, strong = content.totals(doc, fmt)
    strong = [strong]
    last = len(totals) - 1
    highlight = ParagraphStyle('total', context.styles['base'],
        fontName=FONT_BOLD, fontSize=9.5, leading=12, textColor=colors.white)
    # The last row is drawn in 10 pt bold: measured so
    totals = [[label if (_fits(label, 52 * mm, size=8.5) if row != last
                else _fits(label, 52 * mm, font=FONT_BOLD, size=10))
            else Paragraph(markup(label),
                highlight if row == last else context.styles['small']),
            amount] for row, (label, amount) in enumerate(totals)]
    totals_table = Table(totals, colWidths=[52 * mm, 30 * mm],
        hAlign='RIGHT')
    commands = [
        ('FONT', (0, 0), (-1, -1), FONT, 8.5),
        ('ALIGN', (1, 0), (1, -1), 'RIGHT'),
        ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
        ('LINEBELOW', (0, 0), (-1, -2), 0.3, RULE),
        ('TOPPADDING', (0, 0), (-1, -1), 2),
        ('BOTTOMPADDING', (0, 0), (-1, -1), 2),
        ('BACKGROUND', (0, last), (-1, last), ACCENT),
        ('TEXTCOLOR', (0, last), (-1, last), colors.white),
        ('FONT', (0, last), (-1, last), FONT_BOLD, 10),
        ]
    for row in strong:
        if row != last:
            commands.append(('FONT', (1, row), (1, row), FONT_BOLD, 8.5))
    totals_table.setStyle(TableStyle(commands))
    table = Table([[taxes, totals_table]],
        colWidths=[context.width - 84 * mm, 84 * mm])
    table.setStyle(_no_padding())
    return [KeepTogether([table]), Spacer(1, 6 * mm)]


def payment_block(context):
    doc, fmt = context.document, context.fmt
    if doc.kind == CREDIT_NOTE:
        return []
    lines = [context.paragraph(fmt('payment'), 'heading')]
    if doc.amount_due <= 0:
        lines.append(context.paragraph(fmt('nothing_due')))
        return [KeepTogether(lines), Spacer(1, 4 * mm)]
    facts = content.payment_facts(doc, fmt, _group_iban)
    if not facts:
        # Nothing to say on how to pay (no terms, no due date, no bank
        # account): the amount due in the totals is enough
        return []
    facts_table = Table(
        [[k, _cell(context, v, style='small')] for k, v in facts],
        colWidths=[38 * mm, None], hAlign='LEFT')
    facts_table.setStyle(_no_padding(vertical=1.2))
    facts_table.setStyle(TableStyle([
                ('FONT', (0, 0), (-1, -1), FONT, 8),
                ('TEXTCOLOR', (0, 0), (0, -1), MUTED),
                ]))
    qr = epc.make_qr(doc)
    if qr is None:
        return [KeepTogether(lines + [facts_table]), Spacer(1, 4 * mm)]
    code = [QRFlowable(qr, 27 * mm), context.paragraph(fmt('qr_hint'),
            'muted')]
    table = Table([[lines + [facts_table], code]],
        colWidths=[context.width - 34 * mm, 34 * mm])
    table.setStyle(_no_padding())
    return [KeepTogether([table]), Spacer(1, 4 * mm)]


def notes_block(context):
    "The reason of a credit note and the comment of the invoice"
    doc, fmt = context.document, context.fmt
    flowables = []
    if doc.credit_reason:
        flowables.append(context.markup('<b>%s</b> %s' % (
                    escape(fmt('credit_reason')),
                    markup(doc.credit_reason))))
    for note in doc.notes:
        if flowables:
            flowables.append(Spacer(1, 2 * mm))
        flowables.append(context.paragraph(note))
    if not flowables:
        return []
    return [KeepTogether(flowables), Spacer(1, 4 * mm)]


def legal_block(context):
    texts = content.legal_texts(context.document, context.fmt)
    return [KeepTogether([context.paragraph(t, 'muted') for t in texts])]


DEFAULT_BLOCKS = (
    Block('header', header_block),
    Block('parties', parties_block),
    Block('lines', lines_block),
    Block('totals', totals_block),
    Block('payment', payment_block),
    Block('notes', notes_block),
    Block('legal', legal_block),
    )


def watermark(canvas, text):
    "A large light text across the page, under nothing it hides"
    canvas.saveState()
    canvas.setFillColor(colors.HexColor('#e4e8ee'))
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(45)
    size = 96
    while size > 30 and pdfmetrics.stringWidth(
            text, FONT_BOLD, size) > PAGE_HEIGHT * 0.8:
        size -= 6
    canvas.setFont(FONT_BOLD, size)
    canvas.drawCentredString(0, -size / 3, text)
    canvas.restoreState()


def render(document, blocks=DEFAULT_BLOCKS):
    "The PDF of the document, as bytes, made of the blocks given"
    register_fonts()
    # Texts changed since the document was built are made safe too
    clean_fields(document)
    fmt = Formatter(document.language, document.currency)
    context = RenderContext(document, fmt, _styles())
    footer_lines = _wrap(footer_text(document, fmt), FONT, 6.8, BODY_WIDTH)
    heading = content.heading(document, fmt)

    def decorate(canvas, page, pages):
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        y = MARGIN_BOTTOM - 9 * mm
        canvas.line(MARGIN_X, y + 3.5 * mm, PAGE_WIDTH - MARGIN_X,
            y + 3.5 * mm)
        for offset, text in enumerate(footer_lines):
            draw_string(canvas, MARGIN_X, y - offset * 3 * mm, text,
                FONT, 6.8)
        draw_string(canvas, PAGE_WIDTH - MARGIN_X, y - 7 * mm,
            fmt('page', page=page, pages=pages), FONT, 7.5, right=True)
        if page > 1:
            canvas.setFillColor(ACCENT)
            top = PAGE_HEIGHT - MARGIN_TOP
            draw_string(canvas, MARGIN_X, top - 3 * mm,
                f"{document.seller.name} · {heading} ({fmt('continued')})",
                FONT_BOLD, 8)
            canvas.line(MARGIN_X, top - 5 * mm, PAGE_WIDTH - MARGIN_X,
                top - 5 * mm)
        canvas.restoreState()

    canvas_class = type('InvoiceCanvas', (_NumberedCanvas,),
        {'decorate': staticmethod(decorate)})
    buffer = io.BytesIO()
    height = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    first = Frame(MARGIN_X, MARGIN_BOTTOM, BODY_WIDTH, height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        id='first')
    later = Frame(MARGIN_X, MARGIN_BOTTOM, BODY_WIDTH,
        height - CONTINUED_HEADER, leftPadding=0, rightPadding=0,
        topPadding=0, bottomPadding=0, id='later')
    template = BaseDocTemplate(buffer, pagesize=A4,
        title=heading, author=document.seller.name,
        subject=heading, creator='MentorSiG', lang=document.language,
        # The canvas would otherwise select Helvetica on every page, a
        # font PDF/A cannot embed
        initialFontName=FONT, initialFontSize=8.5,
        # Same content, same bytes: the draft cache and the SHA-256 of
        # posted documents rely on it
        invariant=1)
    # Drawn when a page begins: under its content
    on_page = ((lambda canvas, _: watermark(canvas, fmt('watermark_draft')))
        if document.draft else None)
    extra = {'onPage': on_page} if on_page else {}
    template.addPageTemplates([
            PageTemplate('first', [first], autoNextPageTemplate='later',
                **extra),
            PageTemplate('later', [later], **extra),
            ])
    story = []
    for block in blocks:
        story.extend(block.build(context) or [])
    template.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
