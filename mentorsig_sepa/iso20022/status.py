# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bank's returns: pain.002 status reports and camt.054 notifications.

Why not the host's CAMT054 handler (account_payment_sepa/sepa_handler.py):
it reads camt.054 up to .04 only, no pain.002, parses with lxml's defaults
(internal entities expanded, no size limit), and applies each entry as it
reads it, so a file truncated in the middle is half applied.

Here a file is parsed whole, safely, into plain data before anything is
applied: no DTD (so no external entity and no entity expansion), a size
limit, and a clear error for what cannot be read. Real bank files often
break their schema (missing optional-but-expected elements, extra ones,
wrong order), so the reading is tolerant: elements are found by local name
wherever they sit, and only what a return needs is required.
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

MAX_SIZE = 32 * 1024 * 1024
NAMESPACE = re.compile(
    r'^urn:iso:std:iso:20022:tech:xsd:(pain\.002|camt\.054)\.\d{3}\.\d{2}$')
FORBIDDEN = re.compile(rb'<!DOCTYPE|<!ENTITY', re.IGNORECASE)
REJECTED = {'RJCT'}
# ISO 20022 ExternalStatusReason1Code / ExternalReturnReason1Code: the codes
# the EPC rulebook names for SDD R-transactions
REASONS = {
    'AC01': "Incorrect account number",
    'AC04': "Closed account number",
    'AC06': "Blocked account",
    'AC13': "Debtor account is a consumer account",
    'AG01': "Transaction forbidden on this account",
    'AG02': "Invalid bank operation code",
    'AM04': "Insufficient funds",
    'AM05': "Duplicate collection",
    'BE05': "Unrecognised initiating party",
    'CNOR': "Creditor bank is not registered",
    'DNOR': "Debtor bank is not registered",
    'FF01': "Invalid file format",
    'MD01': "No mandate",
    'MD02': "Missing mandatory mandate information",
    'MD06': "Refund requested by the debtor",
    'MD07': "Debtor deceased",
    'MS02': "Refused by the debtor",
    'MS03': "Reason not specified",
    'RC01': "Incorrect bank identifier (BIC)",
    'RR01': "Missing debtor account or identification",
    'RR02': "Missing debtor name or address",
    'RR03': "Missing creditor name or address",
    'RR04': "Regulatory reason",
    'SL01': "Specific service offered by the debtor bank",
    }
# The debtor's mandate cannot be used again
MANDATE_ENDING_REASONS = {'AC04', 'MD01', 'MD07'}


class InvalidReturn(ValueError):
    "The file cannot be read; code is a message key, detail for the logs"

    def __init__(self, code, detail=''):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Transaction:
    end_to_end_id: str
    # 'rejected' (pain.002), 'returned' or 'settled' (camt.054)
    status: str
    reason: str = ''
    information: str = ''
    date: dt.date | None = None
    amount: str = ''


@dataclass(frozen=True)
class GroupRejection:
    "A whole file (payment_info_id empty) or payment information rejected"
    message_id: str
    payment_info_id: str = ''
    reason: str = ''
    information: str = ''


@dataclass
class Report:
    kind: str
    version: str
    message_id: str = ''
    transactions: list = field(default_factory=list)
    rejections: list = field(default_factory=list)


def reason_label(code):
    return REASONS.get(code or '', '')


def _local(element):
    return etree.QName(element).localname


def _find(element, *path):
    "The first descendant along path of local names, or None"
    for name in path:
        if element is None:
            return None
        element = next(
            (child for child in element.iterchildren(tag=etree.Element)
                if _local(child) == name), None)
    return element


def _text(element, *path):
    found = _find(element, *path) if path else element
    if found is not None and found.text:
        return found.text.strip()
    return ''


def _descendants(element, name):
    return (e for e in element.iter(tag=etree.Element) if _local(e) == name)


def _date(element):
    "A date from an ISODate or ISODateTime text, tolerant of time zones"
    text = _text(element)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _reason(element, info_tag):
    "Reason code and additional information of a StsRsnInf or RtrInf"
    info = _find(element, info_tag)
    if info is None:
        return '', ''
    code = _text(info, 'Rsn', 'Cd') or _text(info, 'Rsn', 'Prtry')
    information = ' '.join(
        e.text.strip() for e in info.iterchildren(tag=etree.Element)
        if _local(e) == 'AddtlInf' and e.text)
    return code, information


def parse(data, max_size=MAX_SIZE):
    "Read a pain.002 or camt.054 from bytes into a Report, or raise"
    if not data:
        raise InvalidReturn('empty')
    if len(data) > max_size:
        raise InvalidReturn('too_large', str(len(data)))
    if FORBIDDEN.search(data):
        raise InvalidReturn('doctype')
    parser = etree.XMLParser(resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exception:
        raise InvalidReturn('syntax', str(exception))
    namespace = etree.QName(root).namespace or ''
    match = NAMESPACE.match(namespace)
    if _local(root) != 'Document' or not match:
        raise InvalidReturn('namespace', namespace)
    version = namespace.rsplit(':', 1)[-1]
    if match.group(1) == 'pain.002':
        return _parse_pain002(root, version)
    return _parse_camt054(root, version)


def _parse_pain002(root, version):
    report = Report(kind='pain.002', version=version)
    report.message_id = _text(root, 'CstmrPmtStsRpt', 'GrpHdr', 'MsgId')
    for group in _descendants(root, 'OrgnlGrpInfAndSts'):
        message_id = _text(group, 'OrgnlMsgId')
        if _text(group, 'GrpSts') in REJECTED:
            code, information = _reason(group, 'StsRsnInf')
            report.rejections.append(GroupRejection(
                    message_id, '', code, information))
    for info in _descendants(root, 'OrgnlPmtInfAndSts'):
        info_id = _text(info, 'OrgnlPmtInfId')
        if _text(info, 'PmtInfSts') in REJECTED:
            code, information = _reason(info, 'StsRsnInf')
            message_id = next((_text(g, 'OrgnlMsgId')
                    for g in _descendants(root, 'OrgnlGrpInfAndSts')), '')
            report.rejections.append(GroupRejection(
                    message_id, info_id, code, information))
    for transaction in _descendants(root, 'TxInfAndSts'):
        end_to_end_id = _text(transaction, 'OrgnlEndToEndId')
        if end_to_end_id and _text(transaction, 'TxSts') in REJECTED:
            code, information = _reason(transaction, 'StsRsnInf')
            report.transactions.append(Transaction(
                    end_to_end_id, 'rejected', code, information))
    return report


def _entry_booked(entry):
    # camt.054.001.01-.04: <Sts>BOOK</Sts>; .05 and later: <Sts><Cd>BOOK
    status = _text(entry, 'Sts') or _text(entry, 'Sts', 'Cd')
    return status in {'', 'BOOK'}


def _parse_camt054(root, version):
    report = Report(kind='camt.054', version=version)
    header = next(_descendants(root, 'GrpHdr'), None)
    report.message_id = _text(header, 'MsgId') if header is not None else ''
    for entry in _descendants(root, 'Ntry'):
        if not _entry_booked(entry):
            continue
        value_date = (_date(_find(entry, 'ValDt', 'Dt'))
            or _date(_find(entry, 'ValDt', 'DtTm'))
            or _date(_find(entry, 'BookgDt', 'Dt')))
        for details in _descendants(entry, 'TxDtls'):
            end_to_end_id = _text(details, 'Refs', 'EndToEndId')
            if not end_to_end_id or end_to_end_id == 'NOTPROVIDED':
                continue
            amount = (_text(details, 'Amt')
                or _text(details, 'AmtDtls', 'TxAmt', 'Amt'))
            code, information = _reason(details, 'RtrInf')
            if _find(details, 'RtrInf') is not None:
                status = 'returned'
            else:
                status = 'settled'
            report.transactions.append(Transaction(
                    end_to_end_id, status, code, information, value_date,
                    amount))
    return report
