"""Marshmallow fields and rules shared by the schemas: usernames, passwords, emails, timestamps."""

import re
from datetime import UTC

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from marshmallow import ValidationError, fields, validate

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,50}$")
USERNAME_RULE = "3-50 characters: letters, digits, '_', '.', '-'"


def validate_username(value):
    """Usernames: 3-50 characters of letters, digits, ``_ . -``."""
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValidationError(f"Username must be {USERNAME_RULE}.")


def validate_new_password(value):
    """Length bounds for a password being set (never echoed back in the message)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    maximum = current_app.config["PASSWORD_MAX_LENGTH"]
    if len(value) < minimum:
        raise ValidationError(f"Password must be at least {minimum} characters.")
    if len(value) > maximum:
        raise ValidationError(f"Password must be at most {maximum} characters.")


def Username(**kwargs):
    """A required username field."""
    return fields.String(required=True, validate=validate_username, **kwargs)


def NewPassword(**kwargs):
    """A required password field for registration or change (write-only)."""
    return fields.String(required=True, load_only=True, validate=validate_new_password, **kwargs)


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
        if value is None:
            return None
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
