"""No pre-ping: a request that meets a dead pooled connection before it committed anything is run once more.

The pool's pre-ping cost every request a round trip (``SELECT 1`` on each checkout) to catch
connections a database restart had killed. Instead, when a statement fails because its connection
is gone, SQLAlchemy (its documented disconnect handling: the dialect's ``is_disconnect``, widened
by the ``handle_error`` listener below) invalidates that connection and every other one the pool
holds, and raises with ``connection_invalidated`` set. If the request has not issued a COMMIT, the
database kept nothing of it (a transaction dies with its connection), so ``run_once_more`` rolls
the session back and dispatches the view a second time, on a fresh connection. A second failure is
answered as before (503). A request that committed, or that failed while committing, is never
retried: its first attempt may have been stored. Views enqueue jobs and send nothing outward before
their commit, so a retried view has done nothing twice.
"""

from flask import g, has_request_context
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from taskapi.db.events import listen_once

COMMITTED = "_taskapi_database_committed"
# SQLSTATEs of a server going away: connection exceptions, and admin or crash shutdown (a restart).
SHUTDOWN_STATES = ("57P01", "57P02")


def note_commit(session):
    """``before_commit``: flush, then remember that this request is about to send a COMMIT.

    A session event, not ``ConnectionEvents.commit``: any connection event on the engine sends
    every statement through SQLAlchemy's event path (about 0.24 M instructions of a create,
    bench/README.md). Every commit taskapi issues is a Session's (the request's, and
    ``write_apart``'s). The flush comes first so that a connection found dead by the flush, before
    any COMMIT went out, still leaves the request free to run once more.
    """
    if has_request_context() and not session.in_nested_transaction():
        session.flush()
        setattr(g, COMMITTED, True)


def widen_disconnects(context):
    """``handle_error``: a server shutting the connection down is a disconnect, whatever the driver concluded."""
    state = getattr(context.original_exception, "sqlstate", None) or ""
    if not context.is_disconnect and (state in SHUTDOWN_STATES or state.startswith("08")):
        context.is_disconnect = True


def install_reconnect():
    """Register both listeners: on every session and every engine's dialect (idempotent, like the SQLite tuning)."""
    listen_once(Session, [("before_commit", note_commit)])
    listen_once(Engine, [("handle_error", widen_disconnects)])


def run_once_more(dispatch, session):
    """``dispatch()``; after a lost connection, and when nothing was committed, roll back and ``dispatch()`` again."""
    try:
        return dispatch()
    except DBAPIError as error:
        if not error.connection_invalidated or g.get(COMMITTED):
            raise
        session.rollback()
    return dispatch()
