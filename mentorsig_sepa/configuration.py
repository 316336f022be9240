# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta

from . import sepa_rules
from .exceptions import CreditorIdentifierError, PrenotificationError

SEPA_FIELDS = {
    'sepa_creditor_identifier', 'sepa_scheme', 'sepa_message_version',
    'sepa_prenotification_days'}

sepa_creditor_identifier = fields.Char(
    "SEPA Creditor Identifier", size=35, strip=True,
    help="Identifier given by the bank of the company for SEPA direct "
    "debits, e.g. FR72ZZZ123456.")
sepa_scheme = fields.Selection(
    sepa_rules.SCHEMES, "Default Direct Debit Scheme", required=True)
sepa_message_version = fields.Selection(
    sepa_rules.MESSAGE_VERSIONS, "Direct Debit Message", required=True,
    help="The version of the pain.008 file sent to the bank.")
sepa_prenotification_days = fields.Integer(
    "Pre-notification Days", required=True,
    help="How many days before the collection the debtor is told the "
    "amount and the date.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'mentorsig.configuration'

    sepa_creditor_identifier = fields.MultiValue(sepa_creditor_identifier)
    sepa_scheme = fields.MultiValue(sepa_scheme)
    sepa_message_version = fields.MultiValue(sepa_message_version)
    sepa_prenotification_days = fields.MultiValue(sepa_prenotification_days)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in SEPA_FIELDS:
            return pool.get('mentorsig.configuration.sepa')
        return super().multivalue_model(field)

    @classmethod
    def default_sepa_scheme(cls, **pattern):
        return 'CORE'

    @classmethod
    def default_sepa_message_version(cls, **pattern):
        return 'pain.008.001.08'

    @classmethod
    def default_sepa_prenotification_days(cls, **pattern):
        return sepa_rules.DEFAULT_PRENOTIFICATION_DAYS


class ConfigurationSepa(ModelSQL, CompanyValueMixin):
    __name__ = 'mentorsig.configuration.sepa'
    __string__ = "MentorSiG Configuration SEPA"

    sepa_creditor_identifier = sepa_creditor_identifier
    sepa_scheme = sepa_scheme
    sepa_message_version = sepa_message_version
    sepa_prenotification_days = sepa_prenotification_days

    @classmethod
    def default_sepa_scheme(cls):
        return 'CORE'

    @classmethod
    def default_sepa_message_version(cls):
        return 'pain.008.001.08'

    @classmethod
    def default_sepa_prenotification_days(cls):
        return sepa_rules.DEFAULT_PRENOTIFICATION_DAYS

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('sepa_creditor_identifier'):
            try:
                values['sepa_creditor_identifier'] = (
                    sepa_rules.normalize_creditor_identifier(
                        values['sepa_creditor_identifier']))
            except ValueError:
                # validate_fields reports it with the value as typed
                pass
        return values

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if ('sepa_creditor_identifier' in field_names
                    and record.sepa_creditor_identifier):
                try:
                    sepa_rules.normalize_creditor_identifier(
                        record.sepa_creditor_identifier)
                except ValueError:
                    raise CreditorIdentifierError(gettext(
                            'mentorsig_sepa.msg_invalid_creditor_identifier',
                            identifier=record.sepa_creditor_identifier))
            if ('sepa_prenotification_days' in field_names
                    and not sepa_rules.check_prenotification_days(
                        record.sepa_prenotification_days)):
                raise PrenotificationError(gettext(
                        'mentorsig_sepa.msg_invalid_prenotification_days',
                        days=record.sepa_prenotification_days))
