# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment links on customer invoices: the *Payment Link* button, the
block with the link and its QR code on the document of an open invoice.

The document is rendered once at posting: its link is made then, and the
block says until when it is valid.  Rendered again (a filestore lost), it
prints the same link when the server has its key (see tokens.py), else
none rather than another."""
import segno
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from mentorsig_invoicing.document import epc, pdf
from mentorsig_invoicing.document.layout import (
    QRFlowable, _no_padding)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import PaymentLinkError

BLOCK_STRINGS = {
    'en': ("Pay online", "Scan the code or open this address to pay by "
        "card. Valid until {date}."),
    'fr': ("Payer en ligne", "Scannez le code ou ouvrez cette adresse pour "
        "payer par carte. Valable jusqu'au {date}."),
    }


def payment_link_block(context):
    "The link and its QR code, with the date it is valid until"
    link = context.document.extensions.get('payment_link')
    if not link:
        return []
    fmt = context.fmt
    title, text = BLOCK_STRINGS['fr' if fmt.language == 'fr' else 'en']
    lines = [context.paragraph(title, 'heading'),
        context.paragraph(text.format(date=fmt.date(link['expiry'])),
            'small'),
        context.paragraph(link['url'], 'small')]
    # the EPC code's fixed mask: choosing among the 8 was 12 % of the
    # rendering of a posted invoice's document with its link
    qr = segno.make_qr(link['url'], error='m', mask=epc.MASK)
    table = Table([[lines, QRFlowable(qr, 24 * mm)]],
        colWidths=[context.width - 30 * mm, 30 * mm])
    table.setStyle(_no_padding())
    return [KeepTogether([table]), Spacer(1, 4 * mm)]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    payment_links = fields.One2Many(
        'mentorsig.payment_link', 'invoice', "Payment Links", readonly=True,
        states={
            'invisible': Eval('type') != 'out',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'mentorsig_payment_link': {
                    'invisible': (
                        (Eval('type') != 'out')
                        | (Eval('state') != 'posted')),
                    'depends': ['type', 'state'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('payment_links', None)
        return super().copy(invoices, default=default)

    @classmethod
    def _mentorsig_payment_links_enabled(cls, company):
        """Whether payment links apply to the invoices of company: the
        one place the per-company switch plugs in"""
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        return bool(Configuration.enabled_companies([company]))

    def mentorsig_payment_link_open(self):
        "Whether a link may be made: a posted customer invoice with a due"
        return (self.type == 'out' and self.state == 'posted'
            and (self.amount_to_pay or 0) > 0
            and self._mentorsig_payment_links_enabled(self.company))

    @classmethod
    @ModelView.button_action('mentorsig_payment_links.wizard_make_link')
    def mentorsig_payment_link(cls, invoices):
        pass

    @classmethod
    def _mentorsig_pdf_blocks(cls):
        return pdf.with_block(super()._mentorsig_pdf_blocks(),
            pdf.Block('payment_link', payment_link_block), after='payment')

    def mentorsig_document_data(self):
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        document = super().mentorsig_document_data()
        made = dict(Transaction().context.get(
                '_mentorsig_payment_links') or ())
        if self.id not in made and self.mentorsig_document_frozen:
            # rendered again: the same link as at posting
            made = Link.document_links([self])
        if self.id in made:
            url, expiry = made[self.id]
            document.extensions['payment_link'] = {
                'url': url, 'expiry': expiry}
        return document

    @classmethod
    def mentorsig_store_documents(cls, invoices):
        "The link of an open invoice is made with its document, once"
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        to_store = [i for i in invoices
            if i.mentorsig_document_frozen
            and not i.mentorsig_document_sha256]
        # stored again (a revision): the link printed the first time
        made = Link.document_links(to_store)
        to_link = [i for i in to_store
            if i.id not in made and i.mentorsig_payment_link_open()
            and not any(l.channel == 'document' for l in i.payment_links)]
        if to_link:
            made.update(Link.make(to_link, 'document'))
        if not made:
            return super().mentorsig_store_documents(invoices)
        with Transaction().set_context(_mentorsig_payment_links=tuple(
                    (k, v) for k, v in made.items())):
            return super().mentorsig_store_documents(invoices)


class MakeLinkStart(ModelView):
    __name__ = 'mentorsig.payment_link.make.start'
    __string__ = "Payment Link"

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    url = fields.Char("Link", readonly=True,
        help="Shown once: copy it now. Only its fingerprint is kept.")
    expiry = fields.Date("Valid Until", readonly=True)


class MakeLink(Wizard):
    "Make a new payment link for an open invoice"
    __name__ = 'mentorsig.payment_link.make'
    __string__ = "Payment Link"

    start_state = 'show'
    show = StateView('mentorsig.payment_link.make.start',
        'mentorsig_payment_links.make_link_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            Button("Revoke Other Links", 'revoke', 'tryton-cancel'),
            ])
    revoke = StateTransition()

    def default_show(self, fields):
        """Make the link: its address goes to the form, never into the
        database"""
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        Configuration = pool.get('mentorsig.configuration')
        invoice = self.record
        Configuration.check_enabled(invoice.company, gettext(
                'mentorsig_payment_links.msg_feature_payment_links'))
        if not invoice.mentorsig_payment_link_open():
            raise PaymentLinkError(gettext(
                    'mentorsig_payment_links.msg_invoice_not_open',
                    invoice=invoice.rec_name))
        (url, expiry), = Link.make([invoice], 'manual').values()
        return {'invoice': invoice.id, 'url': url, 'expiry': expiry}

    def transition_revoke(self):
        "Revoke every link of the invoice but the one just made"
        pool = Pool()
        Link = pool.get('mentorsig.payment_link')
        links = sorted(self.record.payment_links, key=lambda l: l.id)
        Link.revoke(links[:-1] if links else [])
        return 'end'
