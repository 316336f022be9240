#!/usr/bin/env python3
# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One-page invoice PDFs per second on one core.

    .venv/bin/python bench/bench_pdf.py [--seconds 5]

Measures our reportlab renderer alone, then the full Factur-X path (PDF,
CII XML, XSD check, sRGB output intent, PDF/A-3 embedding), both in this
single process, so the figures are per core.  Target: at least 50 plain
PDFs per second.

Then, when LibreOffice is installed, the host's native path: trytond's
Report.convert running `soffice --headless` on the host's one-page invoice
template, and the ratio (target: ours at least 20x faster).
"""
import argparse
import itertools
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mentorsig_invoicing.document import facturx, pdf  # noqa: E402
from mentorsig_invoicing.document.samples import sample_invoice  # noqa: E402

TARGET = 50


def rate(function, seconds):
    """Calls per CPU second of this process, over at least `seconds`

    CPU time rather than wall time: other jobs share the machine's cores,
    and the figure wanted is per core.
    """
    function()  # warm up: fonts, schema, ICC profile
    count, start = 0, time.process_time()
    while True:
        function()
        count += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return count / elapsed, count


def host_rate(runs):
    """Conversions per second of the host's own path: trytond's
    Report.convert, which runs `soffice --headless` once per report

    The input is the host's invoice template (account_invoice/invoice.fodt,
    one page) as is: the relatorio rendering and the database reads that
    the host also does are left out, so the ratio is a lower bound.
    """
    from types import SimpleNamespace

    from trytond.modules import account_invoice
    from trytond.report.report import Report
    template = os.path.join(
        os.path.dirname(account_invoice.__file__), 'invoice.fodt')
    with open(template, 'rb') as fp:
        data = fp.read()
    action = SimpleNamespace(template_extension='fodt', extension='pdf',
        report_name='account.invoice')
    Report.convert(action, data)  # warm up: LibreOffice's profile
    start = time.perf_counter()
    for _ in range(runs):
        output_format, pdf_data = Report.convert(action, data)
        assert output_format == 'pdf' and pdf_data.startswith(b'%PDF')
    return runs / (time.perf_counter() - start), runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--host-runs', type=int, default=5)
    args = parser.parse_args()
    document = sample_invoice(lines=8)
    pages = len(__import__('pypdf').PdfReader(
            __import__('io').BytesIO(pdf.render(document))).pages)
    assert pages == 1, pages

    numbers = itertools.count(1)

    def render_new_invoice():
        # A new number each time: a new EPC QR code to encode, as when a
        # batch of invoices is posted
        document.number = f'F-2026-{next(numbers):05d}'
        return pdf.render(document)

    plain, count = rate(render_new_invoice, args.seconds)
    print(f"pdf (reportlab, one page, each a new invoice): {plain:.1f}/s "
        f"per core ({count} rendered), target >= {TARGET}/s: "
        f"{'ok' if plain >= TARGET else 'BELOW TARGET'}")
    again, count = rate(lambda: pdf.render(document), args.seconds)
    print(f"pdf (the same invoice again, QR code cached): {again:.1f}/s "
        f"per core ({count} rendered)")
    document.amount_paid = document.amount_due
    paid, count = rate(render_new_invoice, args.seconds)
    print(f"pdf (paid invoices, no QR code): {paid:.1f}/s per core "
        f"({count} rendered)")
    document.amount_paid = 0
    def factur_x_new_invoice():
        document.number = f'F-2026-{next(numbers):05d}'
        return facturx.render(document)

    full, count = rate(factur_x_new_invoice, args.seconds)
    print(f"factur-x (PDF/A-3 + CII XML + XSD check, each a new invoice): "
        f"{full:.1f}/s per core "
        f"({count} rendered)")
    if shutil.which('soffice'):
        host, count = host_rate(args.host_runs)
        print(f"host path (the host's one-page invoice template converted "
            f"by soffice through trytond's Report.convert): {host:.2f}/s "
            f"({count} converted, wall time)")
        print(f"ratio ours/host: {plain / host:.0f}x (target >= 20x)")
    else:
        print("host path (relatorio ODT + soffice): skipped, LibreOffice "
            "is not installed (apt-get install libreoffice-writer-nogui)")
    return 0


if __name__ == '__main__':
    sys.exit(main())
