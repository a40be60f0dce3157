"""Identity schemas every blueprint shares: users, sessions, security events, and the new-password check."""

from marshmallow import Schema, ValidationError, fields, validate

from taskapi.auth.events import EVENT_TYPES
from taskapi.auth.password_policy import password_problems
from taskapi.http.fields import UTCTimestamp
from taskapi.http.pagination import PageArgsSchema


class UserSchema(Schema):
    """A user as every response shows it: never a password or hash."""

    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    role = fields.String(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    email_verified = fields.Boolean(dump_only=True)
    two_factor_enabled = fields.Boolean(dump_only=True, attribute="totp_enabled")
    created_at = UTCTimestamp(dump_only=True)


def NewPassword(**kwargs):
    """A required password being set (write-only); its schema applies ``check_new_password``."""
    return fields.String(required=True, load_only=True, **kwargs)


def check_new_password(password, field_name, username=None, email=None):
    """Raise a 422-bound ValidationError on ``field_name`` listing every policy rule broken."""
    problems = password_problems(password, username=username, email=email)
    if problems:
        raise ValidationError(problems, field_name=field_name)


class SessionSchema(Schema):
    """A login session as its owner (or an admin) sees it."""

    id = fields.String(attribute="public_id")
    created_at = UTCTimestamp(attribute="started_at")
    last_seen_at = UTCTimestamp()
    expires_at = UTCTimestamp()
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    current = fields.Boolean(metadata={"description": "True for the session of the token making this request"})


class SecurityEventSchema(Schema):
    """A security event: what happened, when, from where; never a secret."""

    id = fields.Integer()
    type = fields.String()
    at = UTCTimestamp()
    user_id = fields.Integer(allow_none=True)
    session_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    details = fields.Dict()


class EventArgsSchema(PageArgsSchema):
    """Filters of an event listing: one type, and a time range."""

    type = fields.String(load_default=None, validate=validate.OneOf(sorted(EVENT_TYPES)))
    since = fields.AwareDateTime(load_default=None, metadata={"description": "at or after (ISO 8601 with offset)"})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "before (ISO 8601 with offset)"})


class AllEventArgsSchema(EventArgsSchema):
    """GET /events filters (admin): also one account's events."""

    user = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "Only this user id's events"})
