# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reading the bank's returns without database: pain.002, camt.054, and
hostile or broken files refused cleanly."""
import datetime as dt
import glob
import os

import pytest
import sepa_bank_files
from sepa_bank_files import sample_debit as make_debit
from sepa_bank_files import sample_message as make_message
from lxml import etree

from mentorsig_sepa.iso20022 import pain008, status

HOST_TESTS = os.path.join(os.path.dirname(__import__(
            'trytond.modules.account_payment_sepa',
            fromlist=['tests']).__file__), 'tests')
SCHEMAS = os.path.join(os.path.dirname(__file__), 'schemas')


@pytest.fixture
def pain008_file():
    return pain008.build(make_message(
            [make_debit(i) for i in range(1, 4)]))


def test_pain002_per_transaction_reject(pain008_file):
    data = sepa_bank_files.pain002(pain008_file, {'2': 'AM04'})
    # the report we read is a valid pain.002.001.10
    schema = etree.XMLSchema(etree.parse(
            os.path.join(SCHEMAS, 'pain.002.001.10.xsd')))
    schema.assertValid(etree.fromstring(data))
    report = status.parse(data)
    assert (report.kind, report.version) == ('pain.002', 'pain.002.001.10')
    assert report.rejections == []
    assert report.transactions == [status.Transaction(
            '2', 'rejected', 'AM04', "Rejected by the debtor bank")]
    assert status.reason_label('AM04') == "Insufficient funds"


def test_pain002_03_whole_file_reject(pain008_file):
    data = sepa_bank_files.pain002(pain008_file, whole='FF01',
        version='pain.002.001.03')
    report = status.parse(data)
    assert report.version == 'pain.002.001.03'
    assert report.rejections == [status.GroupRejection(
            'BATCH-1', '', 'FF01', "File rejected")]
    assert report.transactions == []


def test_camt054_settlements_and_returns(pain008_file):
    data = sepa_bank_files.camt054(pain008_file, {'3': 'MD06'},
        value_date=dt.date(2026, 12, 16))
    report = status.parse(data)
    assert report.version == 'camt.054.001.08'
    assert [(t.end_to_end_id, t.status, t.reason, t.date)
        for t in report.transactions] == [
        ('1', 'settled', '', dt.date(2026, 12, 16)),
        ('2', 'settled', '', dt.date(2026, 12, 16)),
        ('3', 'returned', 'MD06', dt.date(2026, 12, 16)),
        ]


@pytest.mark.parametrize('path', sorted(glob.glob(
            os.path.join(HOST_TESTS, 'camt.054.*.xml'))),
    ids=os.path.basename)
def test_host_camt054_samples(path):
    with open(path, 'rb') as file:
        report = status.parse(file.read())
    assert [t.end_to_end_id for t in report.transactions] == [
        'MUELL/FINP/RA12345']
    assert report.transactions[0].status == 'settled'


def test_tolerant_of_schema_breaks(pain008_file):
    "Elements out of order, unknown ones, no value date: still read"
    data = sepa_bank_files.camt054(pain008_file, {'1': 'AC04'})
    root = etree.fromstring(data)
    for element in root.iter('{*}ValDt'):
        element.getparent().remove(element)
    for element in root.iter('{*}TxDtls'):
        etree.SubElement(element, '{%s}BankSpecific' % etree.QName(
                root).namespace).text = 'x'
        element.insert(0, element[-2])  # Amt/RtrInf moved first
    report = status.parse(etree.tostring(root))
    assert sorted((t.end_to_end_id, t.status, t.reason, t.date)
        for t in report.transactions) == [
        ('1', 'returned', 'AC04', dt.date(2026, 12, 1)),
        ('2', 'settled', '', dt.date(2026, 12, 1)),
        ('3', 'settled', '', dt.date(2026, 12, 1)),
        ]


def test_pending_entries_not_applied(pain008_file):
    data = sepa_bank_files.camt054(pain008_file).replace(
        b'<Cd>BOOK</Cd>', b'<Cd>PDNG</Cd>')
    assert status.parse(data).transactions == []


EXTERNAL_ENTITY = b'''<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>&xxe;</MsgId></GrpHdr>
</BkToCstmrDbtCdtNtfctn></Document>'''
BILLION_LAUGHS = b'''<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">&lol4;
</Document>'''


@pytest.mark.parametrize('data, code', [
        (EXTERNAL_ENTITY, 'doctype'),
        (BILLION_LAUGHS, 'doctype'),
        (b'', 'empty'),
        (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:'
            b'xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr>',
            'syntax'),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"/>',
            'namespace'),
        (b'<Document xmlns="urn:example:camt.054.001.08"/>', 'namespace'),
        (b'<Statement/>', 'namespace'),
        (b'\xff\xfe not xml', 'syntax'),
        ], ids=['external-entity', 'billion-laughs', 'empty', 'truncated',
        'pain008', 'foreign-namespace', 'no-namespace', 'binary'])
def test_hostile_files_refused(data, code):
    with pytest.raises(status.InvalidReturn) as info:
        status.parse(data)
    assert info.value.code == code


def test_oversized_file_refused(pain008_file):
    data = sepa_bank_files.camt054(pain008_file)
    padding = b'<!--' + b' ' * (50 * 1024 * 1024) + b'-->'
    with pytest.raises(status.InvalidReturn) as info:
        status.parse(data + padding)
    assert info.value.code == 'too_large'
