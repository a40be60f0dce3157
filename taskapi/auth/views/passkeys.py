"""Passkeys (WebAuthn): register, list, rename and remove the caller's; sign in with one."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from marshmallow import Schema, fields, validate

from taskapi.auth.factors import passkeys
from taskapi.auth.limits import limit_login
from taskapi.auth.sessions import start_session
from taskapi.auth.signin import Purpose, authenticate_passkey, authentication_options, reauthenticated
from taskapi.auth.user_schemas import ReauthSchema
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import TokenSchema
from taskapi.http.fields import UTCTimestamp
from taskapi.http.headers import NO_STORE
from taskapi.http.scopes import INTERACTIVE, Scope

OPTIONS = "Options for navigator.credentials (WebAuthn JSON: binary members as base64url)"
CREDENTIAL = {"description": "The PublicKeyCredential as JSON (PublicKeyCredential.toJSON()): "
                             "binary members as base64url"}


def options_schema(name, members):
    """A schema documenting WebAuthn options JSON (camelCase members, as py_webauthn's options_to_json makes them)."""
    return Schema.from_dict(dict(members), name=name)


CreationOptionsSchema = options_schema("PasskeyCreationOptions", {
    "rp": fields.Dict(), "user": fields.Dict(), "challenge": fields.String(),
    "pubKeyCredParams": fields.List(fields.Dict()), "timeout": fields.Integer(),
    "excludeCredentials": fields.List(fields.Dict()), "authenticatorSelection": fields.Dict(),
    "attestation": fields.String(), "hints": fields.List(fields.String())})
RequestOptionsSchema = options_schema("PasskeyRequestOptions", {
    "challenge": fields.String(), "timeout": fields.Integer(), "rpId": fields.String(),
    "allowCredentials": fields.List(fields.Dict()), "userVerification": fields.String(),
    "hints": fields.List(fields.String())})


def PasskeyName(**kwargs):
    """A passkey's name: 1-64 characters after trimming."""
    return fields.String(validate=validate.Length(min=1, max=64), metadata={"example": "Laptop"}, **kwargs)


class PasskeySchema(Schema):
    """A passkey as its owner sees it (never a key)."""

    id = fields.Integer(dump_only=True)
    name = fields.String()
    created_at = UTCTimestamp(dump_only=True)
    last_used_at = UTCTimestamp(dump_only=True, allow_none=True)


class PasskeyRegisterSchema(Schema):
    """POST /auth/passkeys/register body."""

    credential = fields.Dict(required=True, metadata=CREDENTIAL)
    name = PasskeyName(load_default="Passkey")


class PasskeyRenameSchema(Schema):
    """PATCH /auth/passkeys/{id} body."""

    name = PasskeyName(required=True)


class PasskeyLoginOptionsSchema(Schema):
    """POST /auth/passkeys/login/options body: a username, or nothing for a discoverable passkey."""

    username = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=254))


class PasskeyLoginSchema(Schema):
    """POST /auth/passkeys/login body."""

    credential = fields.Dict(required=True, metadata=CREDENTIAL)


def strip_name(data):
    """The name with surrounding spaces removed; only spaces counts as missing."""
    return data["name"].strip() or "Passkey"


@bp.view_arg_loader("passkey_id", "passkey")
def load_passkey(passkey_id):
    """The caller's passkey named in the URL (404 for a missing one or another account's)."""
    return passkeys.find_passkey(current_user, passkey_id)


@bp.route("/auth/passkeys/register/options", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(ReauthSchema)
@bp.response(200, CreationOptionsSchema, description=OPTIONS)
@reauthenticated(bp, Purpose.PASSKEY_ADD)
def passkey_register_options(data):
    """Creation options for a new passkey (resident key preferred, user verification required); re-authenticates."""
    return passkeys.registration_options(current_user), 200, NO_STORE


@bp.route("/auth/passkeys/register", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(PasskeyRegisterSchema)
@bp.response(201, PasskeySchema)
@bp.alt_response(400, description="Malformed or unverifiable credential, or a spent, expired or foreign challenge")
@bp.alt_response(409, description="This passkey is already registered")
def passkey_register(data):
    """Store the credential the browser made from the creation options."""
    return passkeys.register(current_user, data["credential"], strip_name(data))


@bp.route("/auth/passkeys", methods=["GET"])
@bp.protected(scope=Scope.ACCOUNT_READ)
@bp.response(200, PasskeySchema(many=True))
def list_passkeys():
    """The caller's passkeys, oldest first."""
    return passkeys.passkeys_of(current_user)


@bp.route("/auth/passkeys/<int(max=2147483647):passkey_id>")
class PasskeyById(MethodView):
    @bp.protected(scope=INTERACTIVE)
    @bp.arguments(PasskeyRenameSchema)
    @bp.response(200, PasskeySchema)
    @bp.alt_response(404, description="No such passkey of yours")
    def patch(self, data, passkey):
        """Rename one of the caller's passkeys."""
        return passkeys.rename(passkey, strip_name(data))

    @bp.protected(scope=INTERACTIVE)
    @bp.arguments(ReauthSchema)
    @bp.response(204)
    @bp.alt_response(404, description="No such passkey of yours")
    @reauthenticated(bp, Purpose.PASSKEY_REMOVE)
    def delete(self, data, passkey):
        """Remove one of the caller's passkeys; needs the password."""
        passkeys.remove(current_user, passkey)


@bp.route("/auth/passkeys/login/options", methods=["POST"])
@limit_login
@bp.arguments(PasskeyLoginOptionsSchema)
@bp.response(200, RequestOptionsSchema, description=OPTIONS)
@bp.alt_response(429, description="Too many attempts from this client")
def passkey_login_options(data):
    """Request options (user verification required): for a username's passkeys, or any discoverable one."""
    return authentication_options(data["username"]), 200, NO_STORE


@bp.route("/auth/passkeys/login", methods=["POST"])
@limit_login
@bp.arguments(PasskeyLoginSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="Passkey not accepted")
@bp.alt_response(403, description="Account disabled, or email not verified when that is required")
@bp.alt_response(429, description="Too many attempts from this client, or too many failures for this account")
def passkey_login(data):
    """Sign in with a passkey assertion: the usual token pair, no TOTP code (the passkey is multi-factor)."""
    user = authenticate_passkey(data["credential"])
    return start_session(user, method="passkey"), 200, NO_STORE
