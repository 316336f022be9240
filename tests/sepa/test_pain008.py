# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pain.008 builder without database, validated against the official
XSD of both versions, with property-based inputs."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import sepa_bank_files
from mentorsig_sepa.iso20022 import charset, pain008

make_debit = sepa_bank_files.sample_debit
make_message = sepa_bank_files.sample_message

SEPA_TEXT = re.compile(r"^[a-zA-Z0-9/\-?:().,'+ ]*$")
NS = {'p8': 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.08',
    'p2': 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'}
def texts(data, version, path):
    prefix = 'p8' if version.endswith('08') else 'p2'
    root = etree.fromstring(data)
    return [e.text for e in root.iterfind(
            path.replace('X:', prefix + ':'), namespaces=NS)]


@pytest.mark.parametrize('version', pain008.VERSIONS)
def test_valid_file_of_each_version(version):
    data = pain008.build(make_message([make_debit(1), make_debit(2)]),
        version)
    pain008.validate(data, version)
    assert pain008.version_of(data) == version
    assert texts(data, version, './/X:GrpHdr/X:NbOfTxs') == ['2']
    assert texts(data, version, './/X:GrpHdr/X:CtrlSum') == ['241.00']
    assert texts(data, version, './/X:CdtrSchmeId//X:Id/X:PrvtId/X:Othr/X:Id'
        ) == ['FR72ZZZ123456']
    bic = 'BICFI' if version.endswith('08') else 'BIC'
    assert texts(data, version, './/X:DbtrAgt/X:FinInstnId/X:%s' % bic) == [
        'BNPAFRPPXXX'] * 2


def test_version_08_needs_structured_address():
    debit = make_debit(address=pain008.Address(street="3 quai du Port"))
    with pytest.raises(pain008.InvalidMessage) as info:
        pain008.build(make_message([debit]), 'pain.008.001.08')
    assert [p.code for p in info.value.problems] == ['address']
    assert info.value.problems[0].label == "Customer 1"
    # .02 accepts it as address lines
    data = pain008.build(make_message([debit]), 'pain.008.001.02')
    assert texts(data, 'pain.008.001.02', './/X:Dbtr/X:PstlAdr/X:AdrLine') \
        == ["3 quai du Port"]


@pytest.mark.parametrize('amount', [
        Decimal('0.00'), Decimal('-1.00'), Decimal('1000000000.00'),
        Decimal('1.001')])
def test_amount_out_of_range_refused(amount):
    with pytest.raises(pain008.InvalidMessage) as info:
        pain008.build(make_message([make_debit(amount=amount)]))
    assert [p.code for p in info.value.problems] == ['amount']


@pytest.mark.parametrize('amount', [
        Decimal('0.01'), Decimal('999999999.99')])
def test_amount_limits_accepted(amount):
    data = pain008.build(make_message([make_debit(amount=amount)]))
    assert texts(data, 'pain.008.001.08', './/X:InstdAmt') == [str(amount)]


def test_schemes_never_mixed_in_one_file():
    message = make_message([make_debit(1)])
    message.payment_infos.append(pain008.PaymentInfo(id='PI-2',
            collection_date=dt.date(2026, 12, 15), scheme='B2B',
            sequence_type='RCUR', debits=[make_debit(2)]))
    with pytest.raises(pain008.InvalidMessage) as info:
        pain008.build(message)
    assert 'mixed_schemes' in [p.code for p in info.value.problems]


def test_mandate_reference_outside_sepa_set_refused():
    with pytest.raises(pain008.InvalidMessage) as info:
        pain008.build(make_message([make_debit(mandate_id='RUM//É1')]))
    assert [p.code for p in info.value.problems] == ['mandate']


def test_invalid_tree_never_returned():
    message = make_message([make_debit()])
    message.creditor_iban = 'NOT AN IBAN'
    with pytest.raises(pain008.InvalidMessage) as info:
        pain008.build(message)
    assert info.value.problems[0].code == 'schema'


def test_validate_refuses_other_bytes():
    with pytest.raises(pain008.InvalidMessage):
        pain008.validate(b'<Document', 'pain.008.001.08')
    with pytest.raises(pain008.InvalidMessage):
        pain008.validate(
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"'
            b'/>', 'pain.008.001.08')


names = st.text(
    alphabet=st.characters(codec='utf-8', exclude_categories=['Cs']),
    max_size=90)
amounts = st.decimals(min_value=Decimal('0.01'),
    max_value=Decimal('999999999.99'), places=2)


@settings(max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
@given(name=names, remittance=st.text(max_size=200), town=names,
    amount=amounts, version=st.sampled_from(pain008.VERSIONS))
def test_any_texts_make_a_valid_file(name, remittance, town, amount, version):
    address = pain008.Address(street=name, postal_code='75001',
        town=town or 'Paris', country='FR')
    if not charset.text(address.town, 35):
        address.town = 'Paris'
    data = pain008.build(make_message([make_debit(
                amount=amount, name=name, remittance=remittance,
                address=address)]), version)
    for path, length in [('.//X:Dbtr/X:Nm', 70), ('.//X:Ustrd', 140),
            ('.//X:Dbtr//X:TwnNm', 35)]:
        for value in texts(data, version, path):
            assert SEPA_TEXT.match(value)
            assert 0 < len(value) <= length
            assert value == value.strip()


@settings(max_examples=40, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=60))
def test_control_sums_exact(values):
    debits = [make_debit(i, amount=a) for i, a in enumerate(values)]
    data = pain008.build(make_message(debits))
    expected = sum(values, Decimal(0))
    assert texts(data, 'pain.008.001.08', './/X:GrpHdr/X:CtrlSum') == [
        format(expected, 'f')]
    assert texts(data, 'pain.008.001.08', './/X:PmtInf/X:CtrlSum') == [
        format(expected, 'f')]
    assert texts(data, 'pain.008.001.08', './/X:GrpHdr/X:NbOfTxs') == [
        str(len(values))]


@given(st.text(max_size=80))
def test_identifiers_follow_the_rules(value):
    result = charset.identifier(value)
    assert len(result) <= 35
    assert SEPA_TEXT.match(result)
    assert ' ' not in result
    assert '//' not in result
    assert not result.startswith('/') and not result.endswith('/')
    assert charset.identifier(result) == result


@pytest.mark.parametrize('value, expected', [
        ("Hôtel « Les Tilleuls » & Fils", "Hotel Les Tilleuls + Fils"),
        ("Œuvres d'Ærø — Straße", "OEuvres d'AEro -- Strasse"),
        ("Librairie Moreau", "Librairie Moreau"),
        ])
def test_transliteration(value, expected):
    assert charset.text(value) == expected


@pytest.mark.parametrize('value, expected', [
        ('/RUM//2026/', 'RUM/2026'), ('RUM 0001', 'RUM0001'),
        ('A' * 40, 'A' * 35)])
def test_identifier_examples(value, expected):
    assert charset.identifier(value) == expected


def test_ten_thousand_debits_one_valid_file():
    debits = [make_debit(i, name="Client n°%d éàü" % i)
        for i in range(10_000)]
    data = pain008.build(make_message(debits))
    assert texts(data, 'pain.008.001.08', './/X:GrpHdr/X:NbOfTxs') == [
        '10000']
    assert texts(data, 'pain.008.001.08', './/X:GrpHdr/X:CtrlSum') == [
        format(Decimal('120.50') * 10_000, 'f')]
