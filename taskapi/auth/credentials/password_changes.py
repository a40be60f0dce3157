"""Setting a new password: the owner's change (signed in), and a reset with a mailed token (signed out).

Both end the same way: every mailed token and every session of the account dies with the old
password. A change keeps the owner's personal access tokens (docs/security.md) and starts a
new session for the client that made it; a reset means the account may have been taken, so it
revokes the access tokens too, and marks the address verified (the token reached it).
"""

from taskapi.auth.audit.events import record
from taskapi.auth.credentials.mailed_tokens import find_token, invalidate_tokens, spend_token
from taskapi.auth.credentials.password_policy import password_problems
from taskapi.auth.credentials.passwords import hash_password
from taskapi.auth.sessions.access_tokens import live_token_names, revoke_all_tokens
from taskapi.auth.sessions.sessions import revoke_all_sessions, start_session
from taskapi.errors import DomainError
from taskapi.http.problems import summarize
from taskapi.models import TokenPurpose, User
from taskapi.signals import SecurityEventType

NEW_PASSWORD = "new_password"


def check_password_policy(user: User, password: str, field: str = NEW_PASSWORD) -> None:
    """Refuse a new password for ``user`` that breaks the policy, naming every rule broken.

    :raises DomainError 422: with ``errors`` on ``field``, as a request validation error reads
    """
    problems = password_problems(password, username=user.username, email=user.email)
    if problems:
        errors = {field: problems}
        raise DomainError(422, summarize(errors), errors=errors)


def replace_password(user: User, new_hash: str) -> None:
    """Store ``new_hash``; no mailed token and no session issued under the old password survives it."""
    user.password_hash = new_hash
    invalidate_tokens(user)
    revoke_all_sessions(user)


def change_password(user: User, new_password: str) -> dict:
    """The owner's change (re-authenticated by the caller): every earlier session ends; returns a fresh token pair.

    :raises DomainError 422: the new password breaks the policy
    """
    check_password_policy(user, new_password)
    replace_password(user, hash_password(new_password))
    tokens = live_token_names(user)  # they survive the owner's own change; the notice names them
    details = {"access_tokens": tokens} if tokens else {}
    return start_session(user, event=SecurityEventType.PASSWORD_CHANGED, **details)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a mailed reset token; every session and access token of the account ends.

    :raises DomainError 400: invalid, expired or used token, or one mailed to an earlier address
    :raises DomainError 422: the new password breaks the policy (checked against the token's account)
    """
    row, user = find_token(token, TokenPurpose.PASSWORD_RESET)
    check_password_policy(user, new_password)
    new_hash = hash_password(new_password)  # before spending: no row lock held while bcrypt runs
    spend_token(row)
    user.email_verified = True  # the token reached this address: it is the user's
    replace_password(user, new_hash)
    revoke_all_tokens(user, by="password_reset")
    record(SecurityEventType.PASSWORD_RESET, user)
    return user
