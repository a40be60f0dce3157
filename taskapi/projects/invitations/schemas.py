"""Invitation bodies and documents; a token is only ever read from a body, never written to one."""

from marshmallow import Schema, fields, validate

from taskapi.http.fields import Email
from taskapi.models import InvitationStatus, ProjectRole


def Timestamp():
    """A UTC timestamp the service has already formatted (``2026-12-06T10:00:00Z``)."""
    return fields.String(metadata={"format": "date-time", "example": "2026-12-06T10:00:00Z"})


class InvitationCreateSchema(Schema):
    """POST /projects/{project_id}/invitations body."""

    email = Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf([role.value for role in ProjectRole]),
                         metadata={"description": "viewer, editor or admin (never more than the inviter holds)"})


class InvitationSchema(Schema):
    """An invitation as an admin of its project or its invitee reads it."""

    id = fields.Integer()
    project_id = fields.Integer()
    project_name = fields.String(metadata={"description": "The name of the project the invitation is to"})
    email = fields.String(metadata={"description": "The invited address, canonical (normalised, lower-case)"})
    role = fields.String(validate=validate.OneOf([role.value for role in ProjectRole]))
    status = fields.String(validate=validate.OneOf([status.value for status in InvitationStatus]))
    inviter = fields.String(allow_none=True, metadata={"description": "The inviting admin's username"})
    created_at = Timestamp()
    expires_at = Timestamp()


class InvitationTokenSchema(Schema):
    """POST /invitations/accept body: the token from the invitation mail."""

    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class MembershipSchema(Schema):
    """The membership an accepted invitation gave."""

    project_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String()
    role = fields.String(validate=validate.OneOf([role.value for role in ProjectRole]))
    joined_at = Timestamp()


def header(description, kind="string"):
    """An OpenAPI response header declaration."""
    return {"description": description, "schema": {"type": kind}}


LIMIT_HEADERS = {"X-RateLimit-Limit": header("Requests allowed in the shown window", "integer"),
                 "X-RateLimit-Remaining": header("Requests left in that window", "integer"),
                 "X-RateLimit-Reset": header("When that window ends (epoch seconds)", "integer")}
RETRY_HEADERS = {**LIMIT_HEADERS, "Retry-After": header("Seconds to wait", "integer")}
