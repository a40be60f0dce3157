"""Request and response schemas of the auth blueprint."""

from marshmallow import Schema, fields, validate

from taskapi.fields import Email, NewPassword, OneOf, Username, UTCTimestamp
from taskapi.models import ROLES


class UserSchema(Schema):
    """A user as every response shows it: never a password or hash."""

    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    role = fields.String(dump_only=True)
    is_active = fields.Boolean(dump_only=True)
    created_at = UTCTimestamp(dump_only=True)


class RegisterSchema(Schema):
    """POST /auth/register body."""

    username = Username(metadata={"example": "ada"})
    password = NewPassword(metadata={"example": "correct horse battery staple"})
    email = Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                  metadata={"example": "ada@example.com"})
    role = fields.String(load_default="user", validate=OneOf(ROLES))


class LoginSchema(Schema):
    """POST /auth/login body (JSON)."""

    username = fields.String(required=True, validate=validate.Length(min=1), metadata={"example": "ada"})
    password = fields.String(required=True, load_only=True, metadata={"example": "correct horse battery staple"})


class TokenFormSchema(Schema):
    """POST /auth/token body: an OAuth2 password grant, form-encoded."""

    grant_type = fields.String(load_default="password", validate=OneOf(["password"]))
    username = fields.String(required=True, validate=validate.Length(min=1))
    password = fields.String(required=True, load_only=True)
    scope = fields.String(load_default="")
    client_id = fields.String(load_default=None)
    client_secret = fields.String(load_default=None, load_only=True)


class TokenSchema(Schema):
    """A token response."""

    access_token = fields.String()
    token_type = fields.String(metadata={"example": "bearer"})
    expires_in = fields.Integer(metadata={"description": "Access token lifetime in seconds"})


user_schema = UserSchema()
