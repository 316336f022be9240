# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoice documents without ORM: the data model (`model`), the PDF
(`pdf`), the EPC QR code (`epc`) and the Factur-X XML and PDF/A-3
(`facturx`).  See each module's docstring."""
