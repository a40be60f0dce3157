"""The explicit second step of a sign-in: after a right password on a 2FA account, an ``mfa_token`` and then a code.

The ``mfa_token`` is signed (itsdangerous, under SECRET_KEY with its own salt), lives five minutes,
names its account and a fingerprint of the password hash (a password change kills it), and
carries a nonce whose SHA-256 is stored: one conditional UPDATE spends it, so it completes at
most one sign-in. ``login.complete_second_step`` checks the code only: the password was checked
once, in the first step, and bcrypt is not run again.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import cast

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import CursorResult, delete, select, update

from taskapi.db.unit_of_work import write_apart
from taskapi.errors import unauthorized
from taskapi.extensions import db
from taskapi.models import SecondStep, User, utcnow

MAX_AGE = timedelta(minutes=5)
SALT = "taskapi mfa-token v1"
EXPIRED = "The sign-in expired or was completed already: sign in with the password again"


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def digest(text):
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def password_fingerprint(user):
    """A short digest of the account's password hash: the token dies when the password changes."""
    return digest(f"{user.id}:{user.password_hash}")[:32]


def issue_mfa_token(user) -> str:
    """A new ``mfa_token`` for ``user``, whose password was just right, for the 401 ``mfa_required`` that
    follows: the pending step is written apart, since that refusal discards the request's writes."""
    now = utcnow()
    nonce = secrets.token_urlsafe(32)
    user_id, token = user.id, serializer().dumps({"u": user.id, "n": nonce, "p": password_fingerprint(user)})

    def store(side):
        side.execute(delete(SecondStep).where(SecondStep.expires_at <= now))
        side.add(SecondStep(nonce_hash=digest(nonce), user_id=user_id, created_at=now, expires_at=now + MAX_AGE))

    write_apart(db.session, store, discard=True)
    return token


def open_mfa_token(token):
    """The (pending step, user) an ``mfa_token`` names, if it is genuine, live and unspent.

    :raises DomainError 401: bad signature, expired, spent, or its account changed password or is gone
    """
    try:
        payload = serializer().loads(token, max_age=int(MAX_AGE.total_seconds()))
    except BadData:
        raise expired() from None
    if not isinstance(payload, dict) or not all(isinstance(payload.get(key), kind) for key, kind in
                                                (("u", int), ("n", str), ("p", str))):
        raise expired()
    step = db.session.scalar(select(SecondStep).where(
        SecondStep.nonce_hash == digest(payload["n"]), SecondStep.user_id == payload["u"],
        SecondStep.used_at.is_(None), SecondStep.expires_at > utcnow()))
    user = db.session.get(User, payload["u"]) if step is not None else None
    if user is None or not user.totp_enabled or not hmac.compare_digest(password_fingerprint(user), payload["p"]):
        raise expired()
    return step, user


def expired():
    return unauthorized(EXPIRED, token_rejected=False, error="mfa_token_invalid")


def spend_mfa_token(step_id) -> None:
    """Spend a pending step once its code was right.

    :raises DomainError 401: a twin request spent it first
    """
    spent = cast(CursorResult, db.session.execute(
        update(SecondStep).where(SecondStep.id == step_id, SecondStep.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)))
    if spent.rowcount != 1:
        raise expired()
