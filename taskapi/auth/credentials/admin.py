"""Admin changes to an account (role, active flag): the one rule set the API and the CLI share.

Each change passes the last-admin guard in the transaction that writes it, records its event
(``role.changed``, ``account.disabled``, ``account.enabled``), and disabling an active account
ends every one of its sessions at once.
"""

from taskapi.auth.audit.events import record
from taskapi.auth.credentials.guards import ensure_not_last_admin
from taskapi.auth.sessions.sessions import revoke_all_sessions
from taskapi.models import SiteRole, User
from taskapi.signals import SecurityEventType

ADMIN_FIELDS = frozenset({"role", "is_active"})


def admin_update(user: User, changes: dict, *, actor: User | None = None) -> User:
    """Apply ``changes`` (``role`` and/or ``is_active``) to ``user``; ``actor`` is the admin (None: the CLI).

    :raises DomainError 409: the change would leave no active admin
    :raises ValueError: a field an admin does not change here
    """
    unknown = set(changes) - ADMIN_FIELDS
    if unknown:
        raise ValueError(f"not an admin-changeable field: {', '.join(sorted(unknown))}")
    demoted = changes.get("role", user.role) != SiteRole.ADMIN or changes.get("is_active", user.is_active) is False
    if demoted:
        ensure_not_last_admin(user)
    if changes.get("is_active") is False and user.is_active:
        revoke_all_sessions(user)
    record_admin_changes(user, changes, admin_id=actor.id if actor is not None else None)
    for field, value in changes.items():
        setattr(user, field, value)
    return user


def record_admin_changes(user: User, changes: dict, admin_id: int | None = None) -> None:
    """Record role.changed, account.disabled or account.enabled for what ``changes`` really changes."""
    if "role" in changes and changes["role"] != user.role:
        record(SecurityEventType.ROLE_CHANGED, user, old=user.role, new=changes["role"], admin_id=admin_id)
    if "is_active" in changes and changes["is_active"] != user.is_active:
        kind = SecurityEventType.ACCOUNT_ENABLED if changes["is_active"] else SecurityEventType.ACCOUNT_DISABLED
        record(kind, user, admin_id=admin_id)
