"""Security notices: a short mail to the account's address after a change to how it signs in.

A notice is queued only after the commit that recorded its event (a rolled-back change tells
nobody), and the job reads the stored event, so it reports what was committed. A notice says
what happened, when, from which address and browser, and what to do if it was not the owner;
it never carries a token or a link that grants anything.
"""

import logging
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from taskapi.db.events import listen_once
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import enqueue, job
from taskapi.mail.messages import NOTICES, send_security_notice
from taskapi.models import SecurityEvent, User
from taskapi.signals import security_event

NOTIFIED = frozenset(NOTICES)  # the events a notice is written for, and only those
PENDING = "security_notices"

log = logging.getLogger("taskapi.jobs")


@job
def mail_security_notice(event_id: int) -> None:
    """Mail the notice for a stored event to its account's address (and, for a new email, to the old one)."""
    stored = db.session.get(SecurityEvent, event_id)
    user = db.session.get(User, stored.user_id) if stored is not None and stored.user_id else None
    if stored is None or user is None:
        return
    for address in dict.fromkeys(filter(None, [user.email, stored.details.get("old_email")])):
        send_security_notice(address, user.username, stored)


def remember_notice(event: SecurityEvent, *, session: Session, **_: Any) -> None:
    """Receiver of ``security_event``: an event that calls for a notice waits in its session for the commit."""
    if event.type in NOTIFIED:
        session.info.setdefault(PENDING, []).append(event)


def queue_notices(session: Session) -> None:
    """After the commit: queue one notice job per remembered event that was stored."""
    for event in session.info.pop(PENDING, []):
        identity = inspect(event).identity  # read without a query: the commit expired the row
        if identity is None:
            continue
        event_id = identity[0]
        try:
            enqueue(mail_security_notice, event_id)
        except DomainError:  # the change is committed; a lost notice must not turn it into an error
            log.error("security notice for event %s not queued (queue unavailable)", event_id)


def forget_notices(session: Session, previous_transaction: Any = None) -> None:
    """After a rollback: the events are gone, and so are their notices."""
    session.info.pop(PENDING, None)


LISTENERS = (("after_commit", queue_notices), ("after_soft_rollback", forget_notices))


def install_notification_hooks() -> None:
    """Receive security events for notices and queue them at each commit (idempotent)."""
    security_event.connect(remember_notice)
    listen_once(Session, LISTENERS)
