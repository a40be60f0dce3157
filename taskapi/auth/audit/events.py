"""Security events: stored for the account's owner and admins, and logged on ``taskapi.security``.

An event names what happened, never a secret: callers pass only facts (a reason, a role, a count).
A failed login for a name that does not exist is stored without the typed name, since people type
passwords into the username field.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import has_request_context, request
from sqlalchemy.orm import Session

from taskapi.db.unit_of_work import write_apart
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import SecurityEvent, User, utcnow
from taskapi.signals import ProjectEventType, SecurityEventType, security_event

EVENT_TYPES = frozenset(kind.value for kind in SecurityEventType)
# A member's project events, copied here by taskapi.projects.audit (tests/projects produce each one).
PROJECT_EVENT_TYPES = frozenset(kind.value for kind in ProjectEventType if not kind.startswith(("task.", "webhook.")))
USER_AGENT_MAX = 200

security_log = logging.getLogger("taskapi.security")


T = TypeVar("T")


def client_ip() -> str | None:
    """The client address as ProxyFix sees it, or None outside a request."""
    return request.remote_addr if has_request_context() else None


def client_user_agent() -> str | None:
    """The User-Agent header cut to 200 characters, or None outside a request."""
    agent = request.user_agent.string if has_request_context() else ""
    return agent[:USER_AGENT_MAX] or None


def record(event_type: str, user: User | None = None, *, session_id: str | None = None,
           user_id: int | None = None, **details: Any) -> SecurityEvent:
    """Announce an event on ``security_event``: its receivers store it in the current transaction and log it."""
    event = new_event(event_type, user.id if user is not None else user_id, session_id, details)
    security_event.send(event, session=db.session())
    return event


def new_event(event_type: str, user_id: int | None, session_id: str | None, details: dict[str, Any]) -> SecurityEvent:
    """A security event row, not yet announced (nor added to any session)."""
    if event_type not in EVENT_TYPES and event_type not in PROJECT_EVENT_TYPES:
        raise ValueError(f"unknown security event type {event_type!r}")
    return SecurityEvent(type=str(event_type), at=utcnow(), user_id=user_id, session_id=session_id, ip=client_ip(),
                         user_agent=client_user_agent(), details=details)


def store_event(event: SecurityEvent, *, session: Session, **_: Any) -> None:
    """Receiver of ``security_event``: add the row to ``session``, the transaction the event belongs to."""
    session.add(event)


def log_event(event: SecurityEvent, **_: Any) -> None:
    """Receiver of ``security_event``: one line on ``taskapi.security``."""
    security_log.info("security event %s", event.type, extra={"fields": {
        "event": event.type, "user_id": event.user_id, "session_id": event.session_id, "ip": event.ip,
        "details": event.details}})


def connect_event_receivers() -> None:
    """Store and log every security event (idempotent: blinker keeps one connection per receiver)."""
    security_event.connect(store_event)
    security_event.connect(log_event)


def record_failure(event_type: str, user: User | None = None, *, session_id: str | None = None,
                   also: Callable[[Session], object] | None = None, **details: Any) -> None:
    """Announce an event for a request that is about to be refused, written apart so the refusal cannot undo it.

    The request's own writes are discarded first; the event is sent with the short transaction's
    session, so its receivers store it there, once. ``also(side)``, when given, writes more in it.
    """
    event = new_event(event_type, user.id if user is not None else None, session_id, details)  # before the discard

    def store(side: Session) -> None:
        if also is not None:
            also(side)
        security_event.send(event, session=side)

    write_apart(db.session, store, discard=True)


def record_if_locked(user: User, check: Callable[[], T]) -> T:
    """Run a budgeted secret ``check``; a 429 from the failure budget is first recorded as ``login.failed: locked``."""
    try:
        return check()
    except DomainError as error:
        if error.status == 429:
            record_failure(SecurityEventType.LOGIN_FAILED, user, reason="locked")
        raise

