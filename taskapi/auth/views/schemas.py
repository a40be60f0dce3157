"""Request and response schemas of the auth blueprint."""

from flask_jwt_extended import current_user
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from taskapi.auth.user_schemas import LegacyReauthSchema, NewPassword, ReauthSchema, check_new_password
from taskapi.http.fields import Email, Username
from taskapi.models import ROLES, SiteRole


def second_factor():
    """The optional ``otp`` of a login: a TOTP code or a recovery code."""
    return fields.String(load_default=None, load_only=True, validate=validate.Length(max=64),
                         metadata={"description": "TOTP code or recovery code, for accounts with 2FA"})


class RegisterSchema(Schema):
    """POST /auth/register body."""

    username = Username(metadata={"example": "ada"})
    password = NewPassword(metadata={"example": "correct horse battery staple"})
    email = Email(load_default=None, allow_none=True, validate=validate.Length(max=254),
                  metadata={"example": "ada@example.com"})
    role = fields.String(load_default=SiteRole.USER.value, validate=validate.OneOf(ROLES))

    @validates_schema(skip_on_field_errors=False)
    def password_policy(self, data, **kwargs):
        """The password policy, with the username and email as context."""
        if isinstance(data.get("password"), str):
            check_new_password(data["password"], "password", data.get("username"), data.get("email"))


class LoginSchema(Schema):
    """POST /auth/login body (JSON)."""

    username = fields.String(required=True, validate=validate.Length(min=1), metadata={"example": "ada"})
    password = fields.String(required=True, load_only=True, metadata={"example": "correct horse battery staple"})
    otp = second_factor()


class SecondStepSchema(Schema):
    """POST /auth/login/2fa body: the ``mfa_token`` of a 401 ``mfa_required`` from a login, and a code."""

    mfa_token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=512),
                              metadata={"description": "From the 401 mfa_required answer of POST /auth/login "
                                                       "(single use, five minutes)"})
    otp = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=64),
                        metadata={"description": "TOTP code or recovery code"})


class TokenFormSchema(Schema):
    """POST /auth/token body, form-encoded: OAuth2 password grant, or refresh_token grant."""

    grant_type = fields.String(load_default="password", validate=validate.OneOf(["password", "refresh_token"]))
    username = fields.String(validate=validate.Length(min=1))
    password = fields.String(load_only=True)
    refresh_token = fields.String(load_only=True)
    scope = fields.String(load_default="")
    client_id = fields.String(load_default=None)
    client_secret = fields.String(load_default=None, load_only=True)
    otp = second_factor()

    @validates_schema
    def grant_fields_present(self, data, **kwargs):
        """Each grant needs its own fields."""
        needed = ["refresh_token"] if data.get("grant_type") == "refresh_token" else ["username", "password"]
        missing = {name: ["Missing data for required field."] for name in needed if not data.get(name)}
        if missing:
            raise ValidationError(missing)


class RefreshSchema(Schema):
    """POST /auth/refresh body (optional when the refresh token is the Bearer token)."""

    refresh_token = fields.String(load_only=True)


class LogoutSchema(Schema):
    """POST /auth/logout body: optionally the refresh token to revoke along with the access token."""

    refresh_token = fields.String(load_only=True)


class PasswordChangeSchema(ReauthSchema):
    """POST /auth/password body."""

    new_password = NewPassword()

    @validates_schema(skip_on_field_errors=False)
    def password_policy(self, data, **kwargs):
        """The password policy, with the caller's username and email as context."""
        if isinstance(data.get("new_password"), str):
            check_new_password(data["new_password"], "new_password", current_user.username, current_user.email)


class TokenSchema(Schema):
    """A token pair."""

    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String(metadata={"example": "bearer"})
    expires_in = fields.Integer(metadata={"description": "Access token lifetime in seconds"})


class MailedTokenSchema(Schema):
    """POST /auth/verify-email body: the token from the mail (password reset adds a password)."""

    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))


class PasswordResetRequestSchema(Schema):
    """POST /auth/password-reset/request body."""

    email = Email(required=True, validate=validate.Length(max=254), metadata={"example": "ada@example.com"})


class PasswordResetSchema(MailedTokenSchema):
    """POST /auth/password-reset body; the policy is checked against the account the token names."""

    new_password = NewPassword()


class AcceptedSchema(Schema):
    """A 202 acknowledgement that says nothing about whether an account exists."""

    detail = fields.String()


class TwoFactorSetupSchema(Schema):
    """A new TOTP secret, its otpauth:// URI and that URI as a QR code (SVG)."""

    secret = fields.String(metadata={"description": "Base32 secret, for manual entry"})
    otpauth_uri = fields.String()
    qr_svg = fields.String(metadata={"description": "SVG markup of a QR code of otpauth_uri"})


class TwoFactorSetupRequestSchema(ReauthSchema):
    """POST /auth/2fa/setup body: the current password (a stolen access token alone must not set up 2FA)."""


def second_factor_code():
    """A required code from the authenticator app (or, where accepted, a recovery code)."""
    return fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=64))


class TwoFactorEnableSchema(ReauthSchema):
    """POST /auth/2fa/enable body: the current password and a current code from the authenticator app."""

    code = second_factor_code()


class TwoFactorDisableSchema(LegacyReauthSchema):
    """POST /auth/2fa/disable body: the current password (or ``password``) and a code (``code`` or ``otp``)."""

    code = fields.String(load_only=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "TOTP or recovery code: the older name of otp (without either: "
                                                  "401, error mfa_required)"})

    @validates_schema
    def one_code(self, data, **kwargs):
        """``code`` and ``otp`` are one value under two names: two different codes are ambiguous."""
        if data.get("code") and data.get("otp") and data["code"] != data["otp"]:
            raise ValidationError(["Send otp (older clients: code); not two different codes"], field_name="code")

    @post_load
    def as_otp(self, data, **kwargs):
        """The re-authentication reads ``otp``."""
        data["otp"] = data.get("otp") or data.pop("code", None)
        return data


class RecoveryCodesSchema(Schema):
    """Recovery codes, shown once."""

    recovery_codes = fields.List(fields.String())
