# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class ExtraFieldDefinitionError(ValidationError):
    pass


class ExtraFieldValueError(ValidationError):
    pass


class ExtraFieldRequiredError(UserError):
    pass


class ExtraFieldDeleteWarning(UserWarning):
    pass
