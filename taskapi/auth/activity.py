"""What an account's owner and its admins can read: its live sessions and its security events.

Each listing is a ``Page``: its rows, the total and where it stands; the views' ``paged`` turns
that into the paging headers.
"""

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, select

from taskapi.extensions import db
from taskapi.http.pagination import Page, SortKey, fetch_page
from taskapi.models import AuthSession, SecurityEvent, utcnow

SESSIONS_BY_ACTIVITY = SortKey("-last_seen_at", AuthSession.last_seen_at, AuthSession.family_id, descending=True,
                               value_types=(datetime, str))
EVENTS_NEWEST_FIRST = SortKey("-at", SecurityEvent.at, SecurityEvent.id, descending=True, value_types=(datetime, int))


def live_sessions_page(user_id, args, current_family_id=None) -> Page:
    """A page of ``user_id``'s live sessions (newest activity first), as documents, with its total and position.

    ``current`` marks the session ``current_family_id`` names: the caller's own.
    """
    conditions = (AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None), AuthSession.expires_at > utcnow())
    total = db.session.scalar(select(func.count()).select_from(AuthSession).where(*conditions))
    page = fetch_page(db.session, select(AuthSession).where(*conditions), SESSIONS_BY_ACTIVITY, args,
                      total, lambda session: (session.last_seen_at, session.family_id))
    documents = [{"public_id": session.public_id, "started_at": session.started_at,
                  "last_seen_at": session.last_seen_at, "expires_at": session.expires_at, "ip": session.ip,
                  "user_agent": session.user_agent, "current": session.family_id == current_family_id}
                 for session in page.rows]
    return replace(page, rows=documents)


def events_page(args, user_id=None) -> Page:
    """A page of security events (one account's, or every account's), newest first, with its total and position."""
    conditions = []
    if user_id is not None:
        conditions.append(SecurityEvent.user_id == user_id)
    if args.get("type"):
        conditions.append(SecurityEvent.type == args["type"])
    if args.get("since"):
        conditions.append(SecurityEvent.at >= args["since"])
    if args.get("until"):
        conditions.append(SecurityEvent.at < args["until"])
    total = db.session.scalar(select(func.count()).select_from(SecurityEvent).where(*conditions))
    return fetch_page(db.session, select(SecurityEvent).where(*conditions), EVENTS_NEWEST_FIRST, args, total,
                      lambda event: (event.at, event.id))


def purge_old_events(retention):
    """Delete events older than ``retention`` (a timedelta); returns how many."""
    return db.session.execute(delete(SecurityEvent).where(SecurityEvent.at < utcnow() - retention)).rowcount
