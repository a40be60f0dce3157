"""Security events: stored for the account's owner and admins, and logged on ``taskapi.security``.

An event names what happened, never a secret: callers pass only facts (a reason, a role, a count).
A failed login for a name that does not exist is stored without the typed name, since people type
passwords into the username field.
"""

import logging

from flask import has_request_context, request

from taskapi.db.unit_of_work import write_apart
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import SecurityEvent, utcnow
from taskapi.signals import ProjectEventType

EVENT_TYPES = frozenset({
    "login.succeeded", "login.failed", "logout", "logout.all", "logout.others", "session.revoked",
    "refresh.reuse_detected", "password.changed", "password.reset", "email.change_requested",
    "email.changed", "email.verified", "2fa.enabled", "2fa.disabled", "2fa.reset_by_admin",
    "recovery_code.used", "passkey.added", "passkey.removed", "account.disabled", "account.enabled",
    "role.changed", "account.deleted", "reauth.failed", "token.created", "token.revoked",
})
# A member's project events, copied here by taskapi.projects.audit (tests/projects produce each one).
PROJECT_EVENT_TYPES = frozenset(str(kind) for kind in ProjectEventType if not kind.startswith(("task.", "webhook.")))
USER_AGENT_MAX = 200

security_log = logging.getLogger("taskapi.security")


def client_ip():
    """The client address as ProxyFix sees it, or None outside a request."""
    return request.remote_addr if has_request_context() else None


def client_user_agent():
    """The User-Agent header cut to 200 characters, or None outside a request."""
    agent = request.user_agent.string if has_request_context() else ""
    return agent[:USER_AGENT_MAX] or None


def record(event_type, user=None, *, session_id=None, user_id=None, **details):
    """Store an event in the current transaction and log it; returns the row."""
    event = new_event(event_type, user.id if user is not None else user_id, session_id, details)
    db.session.add(event)
    return event


def new_event(event_type, user_id, session_id, details):
    """A security event row (not added to any session), logged."""
    if event_type not in EVENT_TYPES and event_type not in PROJECT_EVENT_TYPES:
        raise ValueError(f"unknown security event type {event_type!r}")
    event = SecurityEvent(type=event_type, at=utcnow(), user_id=user_id, session_id=session_id, ip=client_ip(),
                          user_agent=client_user_agent(), details=details)
    security_log.info("security event %s", event_type, extra={"fields": {
        "event": event_type, "user_id": event.user_id, "session_id": session_id, "ip": event.ip,
        "details": details}})
    return event


def record_failure(event_type, user=None, *, session_id=None, also=None, **details):
    """Store an event for a request that is about to be refused, written apart so the refusal cannot undo it.

    The request's own writes are discarded first; ``also(side)``, when given, writes more in the same
    short transaction.
    """
    user_id = user.id if user is not None else None  # read before the discard expires ``user``

    def store(side):
        if also is not None:
            also(side)
        side.add(new_event(event_type, user_id, session_id, details))

    write_apart(db.session, store, discard=True)


def record_if_locked(user, check):
    """Run a budgeted secret ``check``; a 429 from the failure budget is first recorded as ``login.failed: locked``."""
    try:
        return check()
    except DomainError as error:
        if error.status == 429:
            record_failure("login.failed", user, reason="locked")
        raise


def record_admin_changes(user, changes, admin_id=None):
    """Record role.changed, account.disabled or account.enabled for the changes an admin makes to ``user``."""
    if "role" in changes and changes["role"] != user.role:
        record("role.changed", user, old=user.role, new=changes["role"], admin_id=admin_id)
    if "is_active" in changes and changes["is_active"] != user.is_active:
        record("account.enabled" if changes["is_active"] else "account.disabled", user, admin_id=admin_id)
