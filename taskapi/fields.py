"""Marshmallow fields and rules shared by the schemas: usernames, passwords, emails, timestamps."""

import re
from datetime import UTC

from email_validator import EmailNotValidError, validate_email
from marshmallow import ValidationError, fields, validate

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,50}$")
USERNAME_RULE = "3-50 characters: letters, digits, '_', '.', '-'"


def validate_username(value):
    """Usernames: 3-50 characters of letters, digits, ``_ . -``."""
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValidationError(f"Username must be {USERNAME_RULE}.")


def check_new_password(password, field_name, username=None, email=None):
    """Raise a 422-bound ValidationError on ``field_name`` listing every policy rule broken."""
    from taskapi.password_policy import password_problems

    problems = password_problems(password, username=username, email=email)
    if problems:
        raise ValidationError(problems, field_name=field_name)


def Username(**kwargs):
    """A required username field."""
    return fields.String(required=True, validate=validate_username, **kwargs)


def NewPassword(**kwargs):
    """A required password being set (write-only); its schema applies ``check_new_password``."""
    return fields.String(required=True, load_only=True, **kwargs)


OneOf = validate.OneOf


class Email(fields.String):
    """An email address, validated and normalised (domain lower-cased) by email-validator."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValidationError(f"Not a valid email address: {error}") from None


class UTCTimestamp(fields.DateTime):
    """ISO 8601 in UTC with a ``Z`` suffix, e.g. ``2026-11-22T10:00:00Z``."""

    def _serialize(self, value, attr, obj, **kwargs):
        return utc_timestamp(value)


def utc_timestamp(value):
    """An aware datetime as ISO 8601 UTC with a ``Z`` suffix, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
