# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed SEPA mandate, read back with pypdf: the EPC rulebook's
mandatory elements and its legal text of the scheme, in French and
English."""
import datetime as dt
import io
import re

import pytest
from hypothesis import given, settings, strategies as st
from pypdf import PdfReader

from mentorsig_sepa.document import mandate_form


def text_of(data):
    reader = PdfReader(io.BytesIO(data))
    text = ' '.join(page.extract_text() for page in reader.pages)
    # the table cells wrap: compare words, not lines
    return re.sub(r'\s+', ' ', text)


def form(**values):
    defaults = dict(reference='RUM-2026-00042', scheme='CORE',
        type='recurrent', creditor_name="Démo Conseil SARL",
        creditor_identifier='FR72ZZZ123456',
        creditor_address=["15 rue des Invalides", "75007 Paris", "France"],
        debtor_name="Boulangerie « Martin » & Fils",
        debtor_address=["12 rue de la République", "69002 Lyon"],
        debtor_iban='FR7630004001010001000000154', debtor_bic='AGRIFRPPXXX',
        signature_date=dt.date(2026, 9, 14), signature_place="Lyon")
    defaults.update(values)
    return mandate_form.MandateForm(**defaults)


def normalized(text):
    return re.sub(r'\s+', ' ', text)


@pytest.mark.parametrize('scheme', ['CORE', 'B2B'])
def test_mandatory_elements_and_legal_texts(scheme):
    mandate = form(scheme=scheme)
    text = text_of(mandate_form.render(mandate))
    french_title, english_title = mandate_form.TITLES[scheme]
    for expected in [french_title, english_title, 'RUM-2026-00042',
            "Identifiant créancier SEPA", "Creditor identifier",
            'FR72ZZZ123456', "Démo Conseil SARL", "15 rue des Invalides",
            "75007 Paris", "Boulangerie « Martin » & Fils",
            "12 rue de la République", "69002 Lyon",
            'FR76 3000 4001 0100 0100 0000 154', 'AGRIFRPPXXX',
            "Paiement récurrent", "Recurrent payment", "Paiement ponctuel",
            "One-off payment", "Lieu / Place", "Lyon", "14/09/2026",
            "Signature"]:
        assert expected in text, expected
    french, english = mandate_form.legal_texts(mandate)
    assert normalized(french) in text
    assert normalized(english) in text
    assert french.count("Démo Conseil SARL") == 2


def test_the_b2b_text_says_there_is_no_refund():
    core = ' '.join(mandate_form.legal_texts(form(scheme='CORE')))
    b2b = ' '.join(mandate_form.legal_texts(form(scheme='B2B')))
    assert "8 semaines" in core and "8 weeks" in core
    assert "interentreprises" in b2b and "business-to-business" in b2b
    assert "8 weeks" not in b2b and "not entitled to a refund" in b2b


def test_the_type_ticked_is_the_mandates():
    recurrent = text_of(mandate_form.render(form(type='recurrent')))
    one_off = text_of(mandate_form.render(form(type='one-off')))
    assert "☒ Paiement récurrent" in recurrent
    assert "☐ Paiement ponctuel" in recurrent
    assert "☒ Paiement ponctuel" in one_off
    assert "☐ Paiement récurrent" in one_off


def test_a_form_not_signed_yet_leaves_date_and_place_blank():
    text = text_of(mandate_form.render(
            form(signature_date=None, signature_place='')))
    assert "14/09/2026" not in text
    assert "Lieu / Place Date / Date Signature" in text


def test_unknown_scheme_or_type_refused():
    with pytest.raises(ValueError):
        form(scheme='COR1')
    with pytest.raises(ValueError):
        form(type='once')


@settings(max_examples=25, deadline=None)
@given(name=st.text(alphabet=st.characters(
            codec='latin-1', categories=('L', 'N', 'P', 'Sm', 'Sc')),
        min_size=1, max_size=70).filter(str.strip))
def test_any_debtor_name_is_printed(name):
    text = text_of(mandate_form.render(form(debtor_name=name)))
    assert normalized(name).strip() in text
