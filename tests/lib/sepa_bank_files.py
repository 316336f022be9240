# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bank return files as a bank sends them back for a pain.008 it received:
pain.002 status reports (rejects) and camt.054 notifications (settlements
and returns), for the tests and the bench."""
import datetime as dt
from decimal import Decimal

from lxml import etree

from mentorsig_sepa.iso20022 import pain008


SAMPLE_ADDRESS = pain008.Address(street="12 rue de la République",
    postal_code='69002', town="Lyon", country='FR')


def sample_debit(index=1, amount=Decimal('120.50'), name="Boulangerie Martin",
        remittance="FA2026-00001", address=SAMPLE_ADDRESS, mandate_id=None):
    return pain008.Debit(end_to_end_id=str(index), amount=amount,
        mandate_id=mandate_id or 'RUM-%05d' % index,
        mandate_signature_date=dt.date(2026, 1, 15),
        debtor_name=name, debtor_iban='FR7630004000031234567890143',
        debtor_bic='BNPAFRPPXXX', debtor_address=address,
        remittance=remittance, label="Customer %s" % index)


def sample_message(debits, scheme='CORE', sequence_type='RCUR'):
    return pain008.Message(id='BATCH-1', created=dt.datetime(2026, 12, 1, 9),
        creditor_name="MentorSiG Démo SAS",
        creditor_iban='FR7610207000110987654321034',
        creditor_identifier='FR72ZZZ123456', creditor_bic='CCBPFRPPXXX',
        creditor_address=pain008.Address(street="15 rue des Invalides",
            postal_code='75007', town="Paris", country='FR'),
        payment_infos=[pain008.PaymentInfo(id='PI-1',
                collection_date=dt.date(2026, 12, 15), scheme=scheme,
                sequence_type=sequence_type, debits=debits)])


def read_pain008(data):
    "Message id, and (payment info id, end-to-end id, amount) per debit"
    root = etree.fromstring(data)
    ns = {'p': etree.QName(root).namespace}
    message_id = root.findtext('.//p:GrpHdr/p:MsgId', namespaces=ns)
    debits = []
    for info in root.iterfind('.//p:PmtInf', namespaces=ns):
        info_id = info.findtext('p:PmtInfId', namespaces=ns)
        for tx in info.iterfind('p:DrctDbtTxInf', namespaces=ns):
            debits.append((info_id,
                    tx.findtext('p:PmtId/p:EndToEndId', namespaces=ns),
                    tx.findtext('p:InstdAmt', namespaces=ns)))
    return message_id, debits


def _sub(parent, tag, text=None, **attrib):
    element = etree.SubElement(parent, parent.tag.split('}')[0] + '}' + tag,
        attrib)
    if text is not None:
        element.text = text
    return element


def _reason(parent, code, information=None):
    info = _sub(parent, 'StsRsnInf')
    _sub(_sub(info, 'Rsn'), 'Cd', code)
    if information:
        _sub(info, 'AddtlInf', information)


def pain002(pain008, rejects=None, whole=None, version='pain.002.001.10'):
    """A status report rejecting the debits of rejects (end-to-end id ->
    reason code), or the whole file with the code whole"""
    message_id, debits = read_pain008(pain008)
    ns = 'urn:iso:std:iso:20022:tech:xsd:%s' % version
    root = etree.Element('{%s}Document' % ns, nsmap={None: ns})
    report = _sub(root, 'CstmrPmtStsRpt')
    header = _sub(report, 'GrpHdr')
    _sub(header, 'MsgId', 'STS-%s' % message_id[:30])
    _sub(header, 'CreDtTm', dt.datetime(2026, 12, 1, 8).isoformat())
    group = _sub(report, 'OrgnlGrpInfAndSts')
    _sub(group, 'OrgnlMsgId', message_id)
    _sub(group, 'OrgnlMsgNmId', 'pain.008.001.08')
    if whole:
        _sub(group, 'GrpSts', 'RJCT')
        _reason(group, whole, "File rejected")
        return etree.tostring(root, xml_declaration=True, encoding='UTF-8')
    _sub(group, 'GrpSts', 'PART')
    rejects = rejects or {}
    infos = {}
    for info_id, end_to_end_id, amount in debits:
        if end_to_end_id not in rejects:
            continue
        if info_id not in infos:
            infos[info_id] = _sub(report, 'OrgnlPmtInfAndSts')
            _sub(infos[info_id], 'OrgnlPmtInfId', info_id)
            _sub(infos[info_id], 'PmtInfSts', 'PART')
        tx = _sub(infos[info_id], 'TxInfAndSts')
        _sub(tx, 'OrgnlEndToEndId', end_to_end_id)
        _sub(tx, 'TxSts', 'RJCT')
        _reason(tx, rejects[end_to_end_id], "Rejected by the debtor bank")
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8')


def camt054(pain008, returns=None, value_date=None,
        version='camt.054.001.08', iban='FR7610207000110987654321034',
        settled_indicator='CRDT'):
    """A notification booking each debit of pain008 as settled, or returned
    with the reason code of returns (end-to-end id -> code).

    A collected debit credits the creditor's account (CRDT); the host's
    CAMT054 handler takes CRDT for a payable, so the bench gives it DBIT."""
    message_id, debits = read_pain008(pain008)
    returns = returns or {}
    value_date = value_date or dt.date(2026, 12, 1)
    ns = 'urn:iso:std:iso:20022:tech:xsd:%s' % version
    root = etree.Element('{%s}Document' % ns, nsmap={None: ns})
    notification = _sub(root, 'BkToCstmrDbtCdtNtfctn')
    header = _sub(notification, 'GrpHdr')
    _sub(header, 'MsgId', 'NTF-%s' % message_id[:30])
    _sub(header, 'CreDtTm', dt.datetime(2026, 12, 1, 8).isoformat())
    ntfctn = _sub(notification, 'Ntfctn')
    _sub(ntfctn, 'Id', 'NTF-1')
    _sub(ntfctn, 'CreDtTm', dt.datetime(2026, 12, 1, 8).isoformat())
    _sub(_sub(_sub(ntfctn, 'Acct'), 'Id'), 'IBAN', iban)
    for returned in [False, True]:
        selected = [d for d in debits if (d[1] in returns) == returned]
        if not selected:
            continue
        entry = _sub(ntfctn, 'Ntry')
        total = sum(float(d[2]) for d in selected)
        _sub(entry, 'Amt', '%.2f' % total, Ccy='EUR')
        _sub(entry, 'CdtDbtInd', 'DBIT' if returned else settled_indicator)
        _sub(_sub(entry, 'Sts'), 'Cd', 'BOOK')
        _sub(_sub(entry, 'BookgDt'), 'Dt', value_date.isoformat())
        _sub(_sub(entry, 'ValDt'), 'Dt', value_date.isoformat())
        domain = _sub(_sub(entry, 'BkTxCd'), 'Domn')
        _sub(domain, 'Cd', 'PMNT')
        family = _sub(domain, 'Fmly')
        _sub(family, 'Cd', 'RDDT')
        _sub(family, 'SubFmlyCd', 'UPDD' if returned else 'ESDD')
        details = _sub(entry, 'NtryDtls')
        for info_id, end_to_end_id, amount in selected:
            tx = _sub(details, 'TxDtls')
            refs = _sub(tx, 'Refs')
            _sub(refs, 'MsgId', message_id)
            _sub(refs, 'PmtInfId', info_id)
            _sub(refs, 'EndToEndId', end_to_end_id)
            _sub(tx, 'Amt', amount, Ccy='EUR')
            _sub(tx, 'CdtDbtInd', 'DBIT' if returned else settled_indicator)
            if returned:
                info = _sub(tx, 'RtrInf')
                _sub(_sub(info, 'Rsn'), 'Cd', returns[end_to_end_id])
                _sub(info, 'AddtlInf', "Returned by the debtor bank")
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8')
