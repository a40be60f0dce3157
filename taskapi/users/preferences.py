"""Reminder preferences, set with PATCH /users/me: ``reminders`` (off, daily) and ``timezone`` (IANA)."""

import functools
import zoneinfo

from marshmallow import Schema, ValidationError, fields, validate

from taskapi.models import REMINDER_CHOICES

PREFERENCES = ("reminders", "timezone")
# Files of the zone folder that are no IANA zone: the host's own zone, and tzdata's placeholder
# for "zone not yet set" (its abbreviation is "-00"); what they mean depends on the machine.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def time_zone_names():
    """Every IANA zone name this system knows (read once: the scan walks the zone files)."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def validate_time_zone(name):
    """Only a known IANA name: looked up in the list, never opened as a path."""
    if name not in time_zone_names():
        raise ValidationError("Not a known IANA time zone name, such as Europe/Paris or UTC.")


class PreferencesSchema(Schema):
    """The preference fields; each is optional, and an absent one stays as it is."""

    reminders = fields.String(validate=validate.OneOf(REMINDER_CHOICES), metadata={
        "description": "`daily`: a mail at 08:00 local time listing open tasks due that day or overdue"})
    timezone = fields.String(allow_none=True, validate=[validate.Length(max=64), validate_time_zone], metadata={
        "description": "IANA time zone of the reminders (null: UTC)", "example": "Europe/Paris"})


def apply_preferences(user, data):
    """Set the preferences present in ``data`` on ``user``."""
    for name in PREFERENCES:
        if name in data:
            setattr(user, name, data[name])
