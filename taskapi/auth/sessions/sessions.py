"""Login sessions: token pairs, refresh rotation with reuse detection, revocation and purging."""

import base64
import hashlib
import secrets

import jwt as pyjwt
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from sqlalchemy import delete, or_, update

from taskapi.auth.audit.events import client_ip, client_user_agent, record, record_failure
from taskapi.auth.sessions.tokens import load_user, session_revoked
from taskapi.errors import unauthorized
from taskapi.extensions import db
from taskapi.models import AuthSession, RefreshToken, utcnow
from taskapi.signals import SecurityEventType


def new_token_id():
    """A jti or family id with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def public_session_id(family_id):
    """The id a session is shown and revoked by: derived from, but never revealing, its family id."""
    return base64.urlsafe_b64encode(hashlib.sha256(family_id.encode()).digest()[:16]).decode().rstrip("=")


def start_session(user, event=SecurityEventType.LOGIN_SUCCEEDED, **details):
    """Open a login session for ``user``, record ``event`` in it, and return its first token pair."""
    now = utcnow()
    purge_expired(user_id=user.id)
    family_id = new_token_id()
    session = AuthSession(family_id=family_id, public_id=public_session_id(family_id), user_id=user.id,
                          started_at=now, last_seen_at=now, ip=client_ip(), user_agent=client_user_agent(),
                          expires_at=now + current_app.config["SESSION_MAX_AGE"])
    db.session.add(session)
    record(event, user, session_id=session.public_id, **details)
    return issue_pair(user, session)


def issue_pair(user, session):
    """A token pair in ``session``; the refresh token never outlives the session."""
    now = utcnow()
    claims = {"fam": session.family_id, "ver": user.token_version}
    access_lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    refresh_expires = min(now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"], session.expires_at)
    refresh_jti = new_token_id()
    pair = {
        "access_token": create_access_token(identity=user, additional_claims={**claims, "jti": new_token_id()}),
        "refresh_token": create_refresh_token(identity=user, expires_delta=refresh_expires - now,
                                              additional_claims={**claims, "jti": refresh_jti}),
        "token_type": "bearer",
        "expires_in": int(access_lifetime.total_seconds()),
    }
    db.session.add(RefreshToken(jti=refresh_jti, family_id=session.family_id, user_id=user.id,
                                expires_at=refresh_expires))
    return pair


def verify_refresh_token(encoded):
    """The (user, claims) of a valid, unrevoked refresh token.

    :raises 401: bad signature or claims, not a refresh token, unknown or invalidated user, revoked session
    """
    try:
        claims = decode_token(encoded)
    except (pyjwt.PyJWTError, JWTExtendedException):
        raise unauthorized() from None
    if claims.get("type") != "refresh" or session_revoked(None, claims):  # also refuses a session not sub's
        raise unauthorized()
    user = load_user(None, claims)  # takes the session's user that session_revoked just read
    if user is None:
        raise unauthorized()
    return user, claims


def rotate(encoded):
    """Spend a refresh token and return the next pair in its session.

    Spending is one conditional UPDATE, so of two racing requests at most one wins. A token
    that was already spent means it leaked: the whole session (family) is revoked.

    :raises 401: invalid token, or a spent one (after revoking its family)
    """
    return spend(*verify_refresh_token(encoded))


def spend(user, claims):
    """Spend the refresh token that ``verify_refresh_token`` returned (user, claims) for; the next pair.

    :raises 401: the token was already spent (its family is revoked first)
    """
    spent = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == claims["jti"], RefreshToken.family_id == claims["fam"],
               RefreshToken.user_id == user.id, RefreshToken.spent_at.is_(None))
        .values(spent_at=utcnow())
    )
    if spent.rowcount != 1:  # the revocation outlives the refusal
        family_id = claims["fam"]
        record_failure(SecurityEventType.REFRESH_REUSE_DETECTED, user, session_id=public_session_id(family_id),
                       also=lambda side: revoke_family(family_id, side))
        raise unauthorized()
    session = db.session.get(AuthSession, claims["fam"])
    session.last_seen_at = utcnow()
    return issue_pair(user, session)


def revoke_family(family_id, session=None):
    """Revoke one session: its refresh tokens and every access token issued in it (in ``session``, or the request's)."""
    (session or db.session).execute(
        update(AuthSession)
        .where(AuthSession.family_id == family_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_session(user, public_id):
    """Revoke ``user``'s session shown as ``public_id``; False when ``user`` has no such live session."""
    revoked = db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.public_id == public_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return revoked.rowcount == 1


def revoke_other_sessions(user, family_id):
    """Revoke every live session of ``user`` except ``family_id`` (the caller's own)."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.family_id != family_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_sessions(user):
    """Invalidate every token of ``user``, on every device (password change, logout-all, disabling)."""
    user.invalidate_tokens()
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def purge_expired(user_id=None):
    """Delete sessions past their limit and refresh tokens past expiry; returns rows removed."""
    now = utcnow()
    tokens = delete(RefreshToken).where(RefreshToken.expires_at <= now)
    sessions = delete(AuthSession).where(or_(AuthSession.expires_at <= now, AuthSession.revoked_at.is_not(None)))
    if user_id is not None:
        tokens = tokens.where(RefreshToken.user_id == user_id)
        sessions = sessions.where(AuthSession.user_id == user_id)
    removed = db.session.execute(tokens).rowcount
    removed += db.session.execute(sessions).rowcount
    return removed
