"""Identity schemas every blueprint shares: the user document, and the policy check of a new password."""

from marshmallow import Schema, ValidationError, fields

from taskapi.auth.password_policy import password_problems
from taskapi.http.fields import UTCTimestamp


class UserSchema(Schema):
    """A user as every response shows it: never a password or hash."""

    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    role = fields.String(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    email_verified = fields.Boolean(dump_only=True)
    two_factor_enabled = fields.Boolean(dump_only=True, attribute="totp_enabled")
    reminders = fields.String(dump_only=True, metadata={"description": "Due-date reminder mails: off or daily"})
    timezone = fields.String(dump_only=True, allow_none=True, metadata={"description": "IANA zone (null: UTC)"})
    created_at = UTCTimestamp(dump_only=True)


def NewPassword(**kwargs):
    """A required password being set (write-only); its schema applies ``check_new_password``."""
    return fields.String(required=True, load_only=True, **kwargs)


def check_new_password(password, field_name, username=None, email=None):
    """Raise a 422-bound ValidationError on ``field_name`` listing every policy rule broken."""
    problems = password_problems(password, username=username, email=email)
    if problems:
        raise ValidationError(problems, field_name=field_name)
