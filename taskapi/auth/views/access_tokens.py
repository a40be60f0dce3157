"""Personal access tokens of the caller: create (shown once), list, revoke."""

from flask_jwt_extended import current_user
from marshmallow import ValidationError, fields, validate

from taskapi.auth.sessions import (
    create_token,
    revoke_token,
    token_reminders,  # noqa: F401  (registers the expiry reminder job)
    tokens_page,
)
from taskapi.auth.signin import Purpose, reauthenticated
from taskapi.auth.user_schemas import AccessTokenSchema, ReauthSchema
from taskapi.auth.views import bp
from taskapi.http.headers import NO_STORE
from taskapi.http.pagination import PageArgsSchema, paged
from taskapi.http.scopes import INTERACTIVE, Scope

MAX_ID = 2**31 - 1


def visible_name(name):
    """A token's name must hold something besides spaces."""
    if not name.strip():
        raise ValidationError("The name may not be blank.")


class AccessTokenCreateSchema(ReauthSchema):
    """POST /auth/tokens body (``current_password`` re-authenticates, like every credential change)."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), visible_name],
                         metadata={"example": "CI"})
    scopes = fields.List(fields.String(validate=validate.OneOf([scope.value for scope in Scope])), required=True,
                         validate=validate.Length(min=1, max=len(Scope)), metadata={"example": ["tasks:read"]})
    expires_in_days = fields.Integer(required=True, validate=validate.Range(min=1, max=366),
                                     metadata={"example": 90})
    project_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "Confine the token to this project (you must be a member)"})


class AccessTokenCreatedSchema(AccessTokenSchema):
    """A new token: the only answer that ever carries it."""

    token = fields.String(metadata={"description": "The token itself, shown only now: tapi_[a-z2-7]{16}_[a-z2-7]{40}"})


@bp.route("/auth/tokens", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(AccessTokenCreateSchema)
@bp.response(201, AccessTokenCreatedSchema)
@bp.alt_response(409, description="You already have a token with this name")
@bp.alt_response(422, description="Invalid fields; the admin scope without being an admin; a project not yours")
@reauthenticated(bp, Purpose.ACCESS_TOKEN_CREATE)
def create_access_token(data):
    """Create a personal access token; the answer shows the token once. Needs the current password (and otp)."""
    document = create_token(current_user, data["name"], data["scopes"], data["expires_in_days"], data["project_id"])
    return document, 201, NO_STORE


@bp.route("/auth/tokens", methods=["GET"])
@bp.protected(scope=Scope.ACCOUNT_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, AccessTokenSchema(many=True))
@paged
def list_access_tokens(args):
    """The caller's personal access tokens, newest first (never the tokens themselves); paged like tasks."""
    page = tokens_page(current_user.id, args)
    return page.rows, page


@bp.route("/auth/tokens/<int(max=2147483647):token_id>", methods=["DELETE"])
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
@bp.alt_response(404, description="No such token of yours")
def delete_access_token(token_id):
    """Revoke one of the caller's tokens: refused from the next request on, on every worker."""
    revoke_token(current_user, token_id)
