"""SQLAlchemy event listeners shared by every app in the process, each registered once."""

from sqlalchemy import event


def listen_once(target, listeners):
    """Register each ``(event name, listener)`` on ``target`` unless it already is (idempotent per process)."""
    for name, listener in listeners:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
