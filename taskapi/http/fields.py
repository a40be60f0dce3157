"""Marshmallow fields shared by every blueprint: usernames, emails, strict booleans, UTC timestamps."""

import re
from datetime import UTC

from email_validator import EmailNotValidError
from marshmallow import ValidationError, fields

from taskapi.http.identifiers import canonical_email, folded

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,50}$")
USERNAME_RULE = "3-50 characters: letters, digits, '_', '.', '-'"


def validate_username(value):
    """Usernames: 3-50 characters of letters, digits, ``_ . -``."""
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValidationError(f"Username must be {USERNAME_RULE}.")


class FoldedUsername(fields.String):
    """A username with compatibility characters folded (``ａｄａ`` is ``ada``); case kept for display."""

    def _deserialize(self, value, attr, data, **kwargs):
        return folded(super()._deserialize(value, attr, data, **kwargs))


def Username(**kwargs):
    """A required username field."""
    return FoldedUsername(required=True, validate=validate_username, **kwargs)


class Email(fields.String):
    """An email address, validated and stored in its one canonical form (taskapi.http.identifiers)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return canonical_email(text, strict=True)
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
    if value.tzinfo is not UTC:  # stored timestamps come back in UTC already: skip the conversion
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:-6] + "Z"  # drop "+00:00"


class StrictBoolean(fields.Boolean):
    """A JSON boolean: true or false, not "yes", 1 or 0."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class AwareDateTimeFilter(fields.AwareDateTime):
    """An ISO 8601 datetime with an offset, loaded as UTC; one with no UTC form (year 1 or 9999 shifted out): 422."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError("Out of range: the date must stay between years 1 and 9999 in UTC.") from None
