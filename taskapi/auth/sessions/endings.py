"""Ending sessions, each recorded: this one (logout), one by its id, all but this one, all of them."""

from taskapi.auth.audit.events import record
from taskapi.auth.sessions.sessions import (
    public_session_id,
    revoke_all_sessions,
    revoke_family,
    revoke_other_sessions,
    revoke_session,
    verify_refresh_token,
)
from taskapi.errors import DomainError
from taskapi.models import User
from taskapi.signals import SecurityEventType

SESSION_NOT_FOUND = "Session not found"


def logout(user: User, family_id: str, refresh_token: str | None = None) -> None:
    """End the session ``family_id`` of ``user`` and, when it is also ``user``'s, the one ``refresh_token`` is in."""
    revoke_family(family_id)
    record(SecurityEventType.LOGOUT, user, session_id=public_session_id(family_id))
    if refresh_token:
        try:
            owner, claims = verify_refresh_token(refresh_token)
        except DomainError:  # an unusable refresh token leaves nothing more to revoke
            return
        if owner.id == user.id:
            revoke_family(claims["fam"])


def end_session(user: User, public_id: str) -> None:
    """The owner ends one of their sessions, named by its public id.

    :raises DomainError 404: ``user`` has no such live session
    """
    if not revoke_session(user, public_id):
        raise DomainError(404, SESSION_NOT_FOUND)
    record(SecurityEventType.SESSION_REVOKED, user, session_id=public_id, by="owner")


def end_other_sessions(user: User, family_id: str) -> None:
    """End every session of ``user`` but ``family_id`` (the caller's own)."""
    revoke_other_sessions(user, family_id)
    record(SecurityEventType.LOGOUT_OTHERS, user, session_id=public_session_id(family_id))


def end_all_sessions(user: User, *, actor: User | None = None) -> None:
    """End every session of ``user`` on every device: the owner's logout-all, or (with ``actor``) an admin's."""
    revoke_all_sessions(user)
    if actor is None:
        record(SecurityEventType.LOGOUT_ALL, user)
    else:
        record(SecurityEventType.SESSION_REVOKED, user, by="admin", admin_id=actor.id, scope="all")
