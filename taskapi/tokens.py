"""JWT issuing and verification: claims, user lookup, and 401 problem documents for every failure."""

import logging

from flask import current_app
from flask_jwt_extended import create_access_token
from flask_jwt_extended.exceptions import JWTDecodeError

from taskapi.errors import NOT_AUTHENTICATED, unauthorized
from taskapi.extensions import db, jwt
from taskapi.models import User

REQUIRED_CLAIMS = ("sub", "type", "jti", "iat", "nbf", "exp", "iss", "aud")

log = logging.getLogger(__name__)


def issue_tokens(user):
    """The token response for ``user``: an access token and its lifetime in seconds."""
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return {
        "access_token": create_access_token(identity=user),
        "token_type": "bearer",
        "expires_in": int(lifetime.total_seconds()),
    }


@jwt.user_identity_loader
def user_identity(user):
    """``sub`` is the user id as a string (PyJWT refuses non-string subjects)."""
    return str(user.id) if isinstance(user, User) else str(user)


@jwt.additional_claims_loader
def role_claim(user):
    """Carry the role so clients can adapt their UI; the server re-reads it from the database."""
    return {"role": user.role} if isinstance(user, User) else {}


@jwt.decode_key_loader
def decode_key(header, unverified_claims):
    """Refuse tokens missing a required claim before the signature is even checked."""
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in unverified_claims]
    if missing:
        raise JWTDecodeError(f"Missing claim: {', '.join(missing)}")
    return current_app.config["JWT_SECRET_KEY"]


@jwt.user_lookup_loader
def load_user(header, claims):
    """The token's user, or None (→ 401) when it is gone or disabled."""
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user


@jwt.unauthorized_loader
def missing_token(reason):
    """No (usable) Authorization header at all."""
    return unauthorized(NOT_AUTHENTICATED, token_rejected=False)


def rejected_token(*args):
    """Any token that was sent and refused: one answer, whatever the reason."""
    log.info("token rejected: %s", args[0] if args and isinstance(args[0], str) else "claims")
    return unauthorized()


for register in (
    jwt.invalid_token_loader,
    jwt.expired_token_loader,
    jwt.revoked_token_loader,
    jwt.needs_fresh_token_loader,
    jwt.user_lookup_error_loader,
    jwt.token_verification_failed_loader,
):
    register(rejected_token)
