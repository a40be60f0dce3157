"""What a queued account mail carries: the token made by the request, sealed, and the account's stamp.

A job runs later than its request, perhaps after the account was deleted or its password
changed. So the request issues the token in its own transaction, and the job gets the token
row's id, the token sealed with a key derived from SECRET_KEY (the queue never holds it in the
clear) and the account's security stamp. The job only renders and sends, and sends nothing
when the row is gone, spent or expired, or the account's stamp no longer matches.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from taskapi.auth.credentials.mailed_tokens import digest, issue_token
from taskapi.auth.sessions.keys import derive_keys
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.models import AccountToken, TokenPurpose, User, utcnow


def security_stamp(user: User, key: bytes | None = None) -> str:
    """A value that changes with the account's password and differs for any other account, past or future."""
    created = int(user.created_at.timestamp()) if user.created_at else 0
    material = f"{user.id}:{created}:{user.password_hash}".encode()
    return hmac.new(key or derive_keys("security-stamp")[0], material, hashlib.sha256).hexdigest()


def stamp_matches(user: User | None, stamp: str) -> bool:
    """True when ``user`` exists and still has ``stamp`` (keys from SECRET_KEY_FALLBACKS count too)."""
    return user is not None and any(hmac.compare_digest(security_stamp(user, key), stamp)
                                    for key in derive_keys("security-stamp"))


def sealer():
    """Fernet over the keys derived from SECRET_KEY and its fallbacks: seals with the first, opens with any."""
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in derive_keys("mailed-token-seal")])


@dataclass(frozen=True)
class SealedToken:
    """A mailed token as a job argument: its row, the token encrypted, the account's stamp then."""

    token_id: int | None
    sealed: str
    stamp: str


def issue_sealed(user: User, purpose: TokenPurpose, max_age, email: str | None = None) -> SealedToken:
    """Issue a token in this request's transaction (flushed, so it has its row id) and seal it for a job."""
    token = issue_token(user, purpose, max_age, email=email)
    db.session.flush()
    row_id = db.session.scalar(db.select(AccountToken.id).where(AccountToken.token_hash == digest(token)))
    return SealedToken(row_id, sealer().encrypt(token.encode()).decode(), security_stamp(user))


def stand_in(user: User | None = None) -> SealedToken:
    """The same kind of argument for a request that issues nothing: a job given it sends nothing."""
    sealed = sealer().encrypt(secrets.token_urlsafe(32).encode()).decode()
    return SealedToken(None, sealed, security_stamp(user) if user is not None else "")


def open_sealed(sealed: SealedToken, purpose: TokenPurpose, same_address: bool = True):
    """(user, token) when the token is still live for an active account that still has the stamp, else None.

    With ``same_address`` the account must still have the address the token was issued for.
    """
    if not isinstance(sealed, SealedToken) or sealed.token_id is None:  # a stand-in, or a job queued before 0011
        return None
    row = db.session.get(AccountToken, sealed.token_id)
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not stamp_matches(user, sealed.stamp) or not user.is_active:
        return None
    if same_address and canonical_email(user.email or "") != canonical_email(row.email):
        return None
    try:
        token = sealer().decrypt(sealed.sealed.encode()).decode()
    except InvalidToken:  # sealed with a key that is gone
        return None
    return (user, token) if hmac.compare_digest(digest(token), row.token_hash) else None
