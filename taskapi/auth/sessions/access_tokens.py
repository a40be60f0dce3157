"""Personal access tokens: the format, the keyed hash, and the verbs create, list and revoke.

A token reads ``tapi_<public id>_<secret>``: 16 base32 characters (80 random bits) name the row,
40 more (200 random bits) are the secret. Only an HMAC-SHA-256 of the whole token is stored, under
a key derived from SECRET_KEY (never bcrypt: the secret is random, so a fast keyed hash is as
strong and costs microseconds). Secret scanners match ``TOKEN_REGEX``.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError

from taskapi.auth.audit.events import record
from taskapi.auth.sessions.keys import derive_keys
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.pagination import Page, SortKey, fetch_page
from taskapi.http.scopes import Scope
from taskapi.models import AccessToken, Project, ProjectMember, User, utcnow
from taskapi.signals import SecurityEventType

PREFIX = "tapi_"
TOKEN_REGEX = r"tapi_[a-z2-7]{16}_[a-z2-7]{40}"
TOKEN_PATTERN = re.compile(r"tapi_([a-z2-7]{16})_[a-z2-7]{40}")
NAME_TAKEN = "You already have a token with this name"
ADMIN_SCOPE_REFUSED = "Only site admins may ask for the admin scope"
NO_SUCH_PROJECT = "No such project among yours"
TOKEN_NOT_FOUND = "Token not found"
NEWEST_FIRST = SortKey("-id", AccessToken.id, descending=True, value_types=(int,))
_hash_keys: dict[object, list[bytes]] = {}


def random_base32(size):
    """``size`` random bytes as lower-case base32 without padding (8 characters per 5 bytes)."""
    return base64.b32encode(secrets.token_bytes(size)).decode("ascii").lower().rstrip("=")


def hash_keys():
    """The keys tokens are hashed under, newest first (SECRET_KEY, then its fallbacks); derived once per secret."""
    config = current_app.config
    marker = (config["SECRET_KEY"], *config["SECRET_KEY_FALLBACKS"])
    keys = _hash_keys.get(marker)
    if keys is None:
        keys = _hash_keys[marker] = derive_keys("personal access tokens")
    return keys


def token_digest(token, key):
    """HMAC-SHA-256 of ``token`` under ``key``, in hex."""
    return hmac.new(key, token.encode("ascii"), hashlib.sha256).hexdigest()


def digest_matches(token, stored):
    """True when ``token`` hashes to ``stored`` under any current key; each comparison in constant time."""
    return any(hmac.compare_digest(token_digest(token, key), stored) for key in hash_keys())


def new_token():
    """(token, public id) of a fresh token."""
    public_id = random_base32(10)
    return f"{PREFIX}{public_id}_{random_base32(25)}", public_id


def token_document(row: AccessToken, token: str | None = None) -> dict:
    """What the owner (or an admin) sees of a token; the token itself only at creation."""
    document = {"id": row.id, "name": row.name, "scopes": sorted(row.scope_set), "project_id": row.project_id,
                "created_at": row.created_at, "expires_at": row.expires_at, "last_used_at": row.last_used_at,
                "last_used_ip": row.last_used_ip, "last_four": row.last_four}
    if token is not None:
        document["token"] = token
    return document


def may_reach_project(user: User, project_id: int) -> bool:
    """True when ``user`` is a member of the project (a site admin reaches every project, as in projects.access)."""
    if user.is_admin:
        return db.session.get(Project, project_id) is not None
    return db.session.scalar(select(ProjectMember.id).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user.id)) is not None


def check_request(user: User, name: str, scopes: list, project_id: int | None) -> None:
    """Refuse a token ``user`` may not have: the admin scope for a non-admin, a project not theirs, a name in use.

    :raises DomainError 422: the admin scope without being an admin; a project ``user`` is not a member of
    :raises DomainError 409: ``user`` already has a token with ``name``
    """
    if Scope.ADMIN in scopes and not user.is_admin:
        raise DomainError(422, ADMIN_SCOPE_REFUSED, errors={"scopes": [ADMIN_SCOPE_REFUSED]})
    if project_id is not None and not may_reach_project(user, project_id):
        raise DomainError(422, NO_SUCH_PROJECT, errors={"project_id": [NO_SUCH_PROJECT]})
    if db.session.scalar(select(AccessToken.id).where(AccessToken.user_id == user.id, AccessToken.name == name)):
        raise DomainError(409, NAME_TAKEN)


def create_token(user: User, name: str, scopes: list, expires_in_days: int, project_id: int | None = None) -> dict:
    """Issue a token to ``user`` and record ``token.created``; the document includes the token, shown only now.

    :raises DomainError 409, 422: see ``check_request``
    """
    check_request(user, name, scopes, project_id)
    token, public_id = new_token()
    now = utcnow()
    row = AccessToken(user_id=user.id, project_id=project_id, name=name, public_id=public_id,
                      secret_hash=token_digest(token, hash_keys()[0]), last_four=token[-4:],
                      scopes=" ".join(sorted(set(scopes))), created_at=now,
                      expires_at=now + timedelta(days=expires_in_days))
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # the same name, created at the same moment
        db.session.rollback()
        raise DomainError(409, NAME_TAKEN) from None
    record(SecurityEventType.TOKEN_CREATED, user, token_id=row.id, name=name, scopes=sorted(set(scopes)),
           project_id=project_id, expires_at=row.expires_at.isoformat())
    return token_document(row, token)


def tokens_page(user_id: int, args: dict) -> Page:
    """A page of ``user_id``'s tokens (newest first), as documents, with its total and position."""
    condition = AccessToken.user_id == user_id
    total = db.session.scalar(select(func.count()).select_from(AccessToken).where(condition))
    page = fetch_page(db.session, select(AccessToken).where(condition), NEWEST_FIRST, args, total,
                      lambda row: (row.id,))
    return replace(page, rows=[token_document(row) for row in page.rows])


def revoke_token(user: User, token_id: int, *, actor: User | None = None) -> None:
    """Delete ``user``'s token ``token_id`` and record who did: the owner, or the admin ``actor``.

    :raises DomainError 404: ``user`` has no such token
    """
    row = db.session.scalar(select(AccessToken).where(AccessToken.id == token_id, AccessToken.user_id == user.id))
    if row is None:
        raise DomainError(404, TOKEN_NOT_FOUND)
    db.session.delete(row)
    record(SecurityEventType.TOKEN_REVOKED, user, token_id=row.id, name=row.name,
           by="owner" if actor is None else "admin", admin_id=actor.id if actor is not None else None)


def live_token_names(user: User) -> list:
    """The names of ``user``'s unexpired tokens, oldest first (for notices: names are not secrets)."""
    return list(db.session.scalars(select(AccessToken.name).where(
        AccessToken.user_id == user.id, AccessToken.expires_at > utcnow()).order_by(AccessToken.id)))


def revoke_all_tokens(user: User, by: str) -> int:
    """Delete every token of ``user`` (a completed password reset), recording each; returns how many."""
    rows = db.session.execute(select(AccessToken.id, AccessToken.name).where(AccessToken.user_id == user.id)).all()
    for token_id, name in rows:
        record(SecurityEventType.TOKEN_REVOKED, user, token_id=token_id, name=name, by=by)
    db.session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
    return len(rows)


def purge_expired_tokens(before: datetime) -> int:
    """Delete tokens that expired before ``before``; returns how many."""
    return cast(CursorResult, db.session.execute(delete(AccessToken).where(AccessToken.expires_at < before))).rowcount
