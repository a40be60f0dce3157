"""Identity schemas every blueprint shares: users, re-authentication, new passwords, sessions, tokens, events."""

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from taskapi.auth.audit.events import EVENT_TYPES, PROJECT_EVENT_TYPES
from taskapi.auth.credentials.password_policy import password_problems
from taskapi.http.contract import BUDGETED
from taskapi.http.fields import AwareDateTimeFilter, UTCTimestamp
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
    reminders = fields.String(dump_only=True, metadata={"description": "Due-date reminder mails: off or daily"})
    timezone = fields.String(dump_only=True, allow_none=True, metadata={"description": "IANA zone (null: UTC)"})
    created_at = UTCTimestamp(dump_only=True)


CURRENT_PASSWORD = "The account's current password: every change to how the account signs in needs it"
ONE_PASSWORD = "Send current_password (older clients: password), not both"


def CurrentPassword(description=CURRENT_PASSWORD, **kwargs):
    """The caller's current password, re-authenticating a sensitive change (write-only).

    Checked against the account's failure budget: /openapi.json declares the 429 (taskapi/http/contract.py).
    """
    return fields.String(load_only=True, metadata={"description": description, BUDGETED: True}, **kwargs)


STEP_UP_CODE = ("TOTP code or recovery code: required beside current_password when the account has 2FA on "
                "(without it: 401, error mfa_required)")


def StepUpCode(**kwargs):
    """The second factor of a re-authentication (write-only); ``reauthenticate`` decides when it is required."""
    return fields.String(load_default=None, load_only=True, validate=validate.Length(max=64),
                         metadata={"description": STEP_UP_CODE}, **kwargs)


class ReauthSchema(Schema):
    """A body that re-authenticates with ``current_password`` and, on a 2FA account, ``otp``."""

    current_password = CurrentPassword(required=True)
    otp = StepUpCode()


class LegacyReauthSchema(Schema):
    """``current_password``, or ``password`` as clients older than it send: exactly one; loads as the first; ``otp``."""

    current_password = CurrentPassword(f"{CURRENT_PASSWORD}. Required, unless the deprecated password is sent")
    password = fields.String(load_only=True, metadata={
        "description": "Deprecated name of current_password, still accepted (send exactly one of the two)",
        "deprecated": True})
    otp = StepUpCode()

    @validates_schema
    def exactly_one_password(self, data, **kwargs):
        """Neither is a missing field; both is ambiguous."""
        given = [name for name in ("current_password", "password") if name in data]
        if not given:
            raise ValidationError(["Missing data for required field."], field_name="current_password")
        if len(given) > 1:
            raise ValidationError([ONE_PASSWORD], field_name="current_password")

    @post_load
    def as_current_password(self, data, **kwargs):
        """Views read ``current_password`` whichever name the client used."""
        if "password" in data:
            data["current_password"] = data.pop("password")
        return data


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


class AccessTokenSchema(Schema):
    """A personal access token as its owner (or an admin) sees it: never the token."""

    id = fields.Integer()
    name = fields.String()
    scopes = fields.List(fields.String())
    project_id = fields.Integer(allow_none=True)
    created_at = UTCTimestamp()
    expires_at = UTCTimestamp()
    last_used_at = UTCTimestamp(allow_none=True)
    last_used_ip = fields.String(allow_none=True)
    last_four = fields.String(metadata={"description": "The token's last four characters, to tell tokens apart"})


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

    type = fields.String(load_default=None, validate=validate.OneOf(sorted(EVENT_TYPES | PROJECT_EVENT_TYPES)))
    since = AwareDateTimeFilter(load_default=None, metadata={"description": "at or after (ISO 8601 with offset)"})
    until = AwareDateTimeFilter(load_default=None, metadata={"description": "before (ISO 8601 with offset)"})


class AllEventArgsSchema(EventArgsSchema):
    """GET /events filters (admin): also one account's events."""

    user = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "Only this user id's events"})
