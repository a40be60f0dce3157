"""JWT verification: claims, signing keys, user lookup, revocation, and a 401 problem document for every failure."""

import logging

from flask import g
from flask_jwt_extended.exceptions import JWTDecodeError
from sqlalchemy import bindparam, select

from taskapi.auth.sessions.identity import SESSION_AND_ACCOUNT, account_identity
from taskapi.auth.sessions.keys import key_id, signing_key, verification_key
from taskapi.errors import NOT_AUTHENTICATED, unauthorized
from taskapi.extensions import db
from taskapi.http.problems import problem_from_domain_error
from taskapi.http.security import IDENTITY_ONLY
from taskapi.models import AuthSession, User, utcnow

REQUIRED_CLAIMS = ("sub", "type", "jti", "iat", "nbf", "exp", "iss", "aud", "fam", "ver")

log = logging.getLogger(__name__)


def user_identity(user):
    """``sub`` is the user id as a string (PyJWT refuses non-string subjects)."""
    return str(user.id) if isinstance(user, User) else str(user)


def role_claim(user):
    """Carry the role so clients can adapt their UI; the server re-reads it from the database."""
    return {"role": user.role} if isinstance(user, User) else {}


def encode_key(identity):
    """Sign with the newest key."""
    return signing_key()


def key_id_header(identity):
    """Name the signing key so verification survives key rotation."""
    return {"kid": key_id(signing_key())}


def decode_key(header, unverified_claims):
    """The key named by ``kid``; refuse unknown keys and missing claims before checking the signature."""
    missing = [claim for claim in REQUIRED_CLAIMS if claim not in unverified_claims]
    if missing:
        raise JWTDecodeError(f"Missing claim: {', '.join(missing)}")
    key = verification_key(header.get("kid"))
    if key is None:
        raise JWTDecodeError("Unknown signing key")
    return key


def load_user(header, claims):
    """The token's user, or None (→ 401) when gone, disabled, or its tokens were invalidated since."""
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        return None
    user = g.pop("token_session_user", None) or db.session.get(User, user_id)
    if user is None or user.id != user_id or not user.is_active or claims.get("ver") != user.token_version:
        return None
    return user


# Built once: constructing the statement cost as much as running it against SQLite.
SESSION_AND_USER = (select(AuthSession.revoked_at, AuthSession.expires_at, User)
                    .join(User, User.id == AuthSession.user_id)
                    .where(AuthSession.family_id == bindparam("family_id")))


def session_revoked(header, claims):
    """True when the token's login session was logged out, revoked, has outlived its limit, or is not ``sub``'s."""
    # This runs on every authenticated request, before load_user: one query reads the session's
    # two columns and the user, which load_user then takes instead of asking again. Where the
    # route's views need only the account's columns, it reads those (taskapi/auth/sessions/identity.py).
    parameters = {"family_id": claims.get("fam")}
    if g.get(IDENTITY_ONLY):
        session = db.session.connection().execute(SESSION_AND_ACCOUNT, parameters).first()
        user = account_identity(session[2:]) if session is not None else None
    else:
        session = db.session.execute(SESSION_AND_USER, parameters).first()
        user = session.User if session is not None else None
    if session is None or session.revoked_at is not None or session.expires_at <= utcnow():
        return True
    if claims.get("sub") != str(user.id):
        return True
    g.token_session_user = user
    return False


def is_access_token(header, claims):
    """Where an access token is expected, only ``type: access`` passes (the library refuses only "refresh")."""
    return claims.get("type") == "access"


def missing_token(reason):
    """No (usable) Authorization header at all."""
    return problem_from_domain_error(unauthorized(NOT_AUTHENTICATED, token_rejected=False))


def rejected_token(*args):
    """Any token that was sent and refused: one answer, whatever the reason."""
    log.info("token rejected: %s", args[0] if args and isinstance(args[0], str) else "claims or revocation")
    return problem_from_domain_error(unauthorized())


def register_callbacks(manager):
    """Hook these callbacks into flask-jwt-extended's JWTManager."""
    manager.user_identity_loader(user_identity)
    manager.additional_claims_loader(role_claim)
    manager.encode_key_loader(encode_key)
    manager.additional_headers_loader(key_id_header)
    manager.decode_key_loader(decode_key)
    manager.user_lookup_loader(load_user)
    manager.token_in_blocklist_loader(session_revoked)
    manager.token_verification_loader(is_access_token)  # run by verify_jwt_in_request only: refresh is separate
    manager.unauthorized_loader(missing_token)
    for loader in (manager.invalid_token_loader, manager.expired_token_loader, manager.revoked_token_loader,
                   manager.needs_fresh_token_loader, manager.user_lookup_error_loader,
                   manager.token_verification_failed_loader):
        loader(rejected_token)
