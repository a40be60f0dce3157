"""Request schemas of the users blueprint (responses use the shared UserSchema)."""

from marshmallow import Schema, fields, validate

from taskapi.auth.user_schemas import LegacyReauthSchema, ReauthSchema
from taskapi.http.fields import Email, StrictBoolean
from taskapi.http.pagination import PageArgsSchema
from taskapi.models import ROLES
from taskapi.users.preferences import PreferencesSchema


class MeUpdateSchema(ReauthSchema, PreferencesSchema):
    """PATCH /users/me: a new email (or null) and reminder preferences, confirmed with the current password."""

    email = Email(allow_none=True, validate=validate.Length(max=254))  # absent: unchanged


class EmailChangeAcceptedSchema(Schema):
    """A 202 to PATCH /users/me with a new email: the same whether or not the address is taken."""

    detail = fields.String()


class MeDeleteSchema(LegacyReauthSchema):
    """DELETE /users/me: the current password (or ``password``) confirms the deletion."""


class UserAdminUpdateSchema(Schema):
    """PATCH /users/{id} (admin): role and/or active flag."""

    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = StrictBoolean()


class UserListArgsSchema(PageArgsSchema):
    """GET /users query parameters (admin)."""

    q = fields.String(load_default=None, validate=validate.Length(min=1, max=254),
                      metadata={"description": "Case-insensitive substring of username or email"})
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(load_default=None)
