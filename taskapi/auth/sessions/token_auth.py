"""Authenticating a request with a personal access token, and what the token restricts for that request.

``authenticate`` is registered with the HTTP layer (``taskapi.http.api.ACCESS_TOKEN_AUTHENTICATOR``)
and runs before every protected view that receives a ``tapi_`` bearer token. It makes the token's
account ``current_user`` exactly as flask-jwt-extended does for a session JWT, so every view has
one code path: ``current_user`` is the account, ``current_user.is_admin`` is true only with the
``admin`` scope, and ``get_jwt()`` holds ``sub``, ``type`` and ``tok`` (no session ``fam``).
"""

from datetime import timedelta

from flask import g
from sqlalchemy import bindparam, or_, select, update

from taskapi.auth.audit.events import client_ip
from taskapi.auth.sessions.access_tokens import PREFIX, TOKEN_PATTERN, digest_matches
from taskapi.auth.sessions.identity import TOKEN_AND_ACCOUNT, account_identity
from taskapi.db.unit_of_work import write_apart
from taskapi.errors import unauthorized
from taskapi.extensions import db
from taskapi.http.security import IDENTITY_ONLY
from taskapi.models import AccessToken, User, utcnow

TOKEN_TYPE = "personal_access_token"
USE_RECORD_INTERVAL = timedelta(minutes=1)
# Built once, like the session lookup in taskapi.auth.sessions.tokens: one query reads the token and its account.
TOKEN_AND_USER = (select(AccessToken, User).join(User, User.id == AccessToken.user_id)
                  .where(AccessToken.public_id == bindparam("public_id")))


def authenticate(token: str) -> frozenset | None:
    """The scopes of a valid access token, its account made ``current_user``; None for any other bearer token.

    :raises DomainError 401: a ``tapi_`` token that is malformed, unknown, expired or revoked, or whose
        account is disabled or deleted (one answer, whatever the reason)
    """
    if not token.startswith(PREFIX):
        return None
    match = TOKEN_PATTERN.fullmatch(token)
    identity_only = g.get(IDENTITY_ONLY)  # the route reads only the account columns (sessions/identity.py)
    statement = TOKEN_AND_ACCOUNT if identity_only else TOKEN_AND_USER
    row = db.session.execute(statement, {"public_id": match.group(1)}).first() if match else None
    now = utcnow()
    if row is None or not digest_matches(token, row.AccessToken.secret_hash) or row.AccessToken.expires_at <= now:
        raise unauthorized()
    access_token = row.AccessToken
    scopes = access_token.scope_set
    if identity_only:
        user = account_identity(row[1:], token_scopes=scopes)
    else:
        user = row.User
        user.token_scopes = scopes
    if not user.is_active:
        raise unauthorized()
    # What flask-jwt-extended's verify_jwt_in_request leaves in g, so current_user and get_jwt() work alike.
    g._jwt_extended_jwt = {"sub": str(user.id), "type": TOKEN_TYPE, "tok": access_token.id}
    g._jwt_extended_jwt_header = {}
    g._jwt_extended_jwt_user = {"loaded_user": user}
    g.token_project_id = access_token.project_id
    record_use(access_token, now)
    return scopes


def token_project_restriction() -> int | None:
    """The project id the current request's access token is confined to; None for a session or an unconfined token."""
    return g.get("token_project_id")


def authenticated_by_token() -> bool:
    """True when the current request authenticated with a personal access token."""
    jwt = g.get("_jwt_extended_jwt")
    return jwt is not None and jwt.get("type") == TOKEN_TYPE


def record_use(access_token: AccessToken, now) -> None:
    """Write last_used_at and last_used_ip at most once a minute per token, in a short transaction of its own.

    Its own transaction: a GET must not need the request's, and a refused request keeps the record.
    The condition is in the UPDATE, so workers racing in the same minute write once.
    """
    if access_token.last_used_at is not None and now - access_token.last_used_at < USE_RECORD_INTERVAL:
        return
    write_apart(db.session, lambda side: side.execute(
        update(AccessToken)
        .where(AccessToken.id == access_token.id,
               or_(AccessToken.last_used_at.is_(None), AccessToken.last_used_at <= now - USE_RECORD_INTERVAL))
        .values(last_used_at=now, last_used_ip=client_ip())))
