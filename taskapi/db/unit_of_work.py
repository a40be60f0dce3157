"""One unit of work per request, job and command: services flush, and one commit ends the work that succeeded.

A request commits once, when its view answered below 400, inside the dispatch (``finish_view``),
so a commit that fails (a constraint, a lost connection) is answered by the error handlers like any
other failure; every other answer is rolled back (``settle_refusal``). A read (a safe method that
wrote nothing and queued no after-commit action) has nothing to commit and is only closed. Jobs
and CLI commands commit when they return and roll back when they raise. Services never commit.

What a refused request must keep (a failure budget's unit, the security event of a refusal, a
pending second step) is written with ``write_apart``: a short transaction of its own on another
connection, committed at once. SQLite lets one connection write at a time, so such a write must
come before the request's own writes, or after they are discarded (``discard=True``, for a
request about to be refused): a write apart after the request wrote raises rather than waits.
"""

import contextlib

from flask import g, has_request_context, request
from sqlalchemy.orm import Session, scoped_session

from taskapi.db.events import listen_once
from taskapi.db.request_session import SAFE_METHODS
from taskapi.db.sqlite_writes import HELD

WROTE = "unit_of_work_wrote"
AFTER_COMMIT = "unit_of_work_after_commit"
FINISHERS = "_taskapi_unit_of_work_finishers"
REFUSED = 400


def note_write(session, flush_context=None, instances=None):
    """``before_flush``: remember that this transaction has changes to send."""
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


def note_bulk_write(orm_execute_state):
    """``do_orm_execute``: an INSERT, UPDATE or DELETE statement writes too."""
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        orm_execute_state.session.info[WROTE] = True


def forget_writes(session, transaction):
    """``after_transaction_end``: a new transaction has written nothing yet."""
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def forget_after_commit(session, previous_transaction=None):
    """``after_soft_rollback``: what was rolled back calls for nothing."""
    session.info.pop(AFTER_COMMIT, None)


def install_unit_of_work():
    """Track which sessions have written in their transaction, and forget the actions of a rollback (idempotent)."""
    listen_once(Session, (("before_flush", note_write), ("do_orm_execute", note_bulk_write),
                          ("after_transaction_end", forget_writes), ("after_soft_rollback", forget_after_commit)))


def after_commit(session, action):
    """Call ``action()`` once the unit of work has committed ``session`` (never when it rolls back).

    It runs outside the transaction, before the response is sent: an exception it raises (a 503 for
    a queue outage) is the request's answer, though what it follows is committed.
    """
    session.info.setdefault(AFTER_COMMIT, []).append(action)


def commit(session):
    """Commit ``session``, then run its ``after_commit`` actions (all of them; the first failure is raised).

    A scoped session that was never opened (a probe, a refusal before any query), or one with no
    transaction begun, has nothing to commit: it is not created or begun just to end it.
    """
    if isinstance(session, scoped_session):
        if not session.registry.has():
            return
        session = session()
    if session.in_transaction():
        session.commit()
    failure = None
    for action in session.info.pop(AFTER_COMMIT, []):
        try:
            action()
        except Exception as error:  # noqa: BLE001 (raised below, once every action had its turn)
            failure = failure or error
    if failure is not None:
        raise failure


def note_direct_write(session) -> None:
    """A write sent on ``session``'s connection, past the ORM events that would have noted it."""
    session.info[WROTE] = True


def has_written(session) -> bool:
    """True when ``session``'s transaction has sent, or is about to send, a write, or holds SQLite's write lock.

    A direct write that did not note itself still takes the lock first: a transaction apart would wait on it.
    """
    return bool(session.info.get(WROTE) or HELD in session.info or session.new or session.dirty or session.deleted)


def write_apart(session, work, *, discard=False):
    """``work(side)`` in a short transaction of its own, committed when it returns; returns its result.

    ``session`` is the request's (or job's) session. With ``discard`` its writes are rolled back
    first: the request is about to be refused and keeps only what is written here.

    :raises RuntimeError: ``session`` has written and ``discard`` is false (SQLite would wait on itself)
    """
    request_session = session()
    if discard:
        request_session.rollback()
    elif has_written(request_session):
        raise RuntimeError("write_apart after the request wrote: write apart first, or discard the request's writes")
    with Session(request_session.transactional_bind()) as side, side.begin():
        return work(side)


def on_finish(callback):
    """Call ``callback(session, committed)`` once the current request ends: before its commit
    (``committed`` true, in the request's transaction) or after its refusal was rolled back (false)."""
    if has_request_context():
        g.setdefault(FINISHERS, []).append(callback)


def run_finishers(session, committed):
    for callback in g.pop(FINISHERS, []):
        callback(session, committed)


def finish_view(response, session):
    """Commit the request's work when ``response`` is a success (below 400); returns ``response``."""
    if response.status_code < REFUSED:
        run_finishers(session, True)
        if not is_pure_read(session):
            commit(session)
    return response


def is_pure_read(session):
    """True when the scoped ``session`` was never opened, or served a safe method with neither a write nor an
    after-commit action: there is nothing to commit, and the app context's teardown closes it.

    Safe methods never write (tests/test_safe_methods_read_only.py); should one ever change an
    object, it is still committed rather than lost, and that test sees the write.
    """
    if not session.registry.has():
        return True
    if request.method not in SAFE_METHODS:
        return False
    current = session()
    return not has_written(current) and not current.info.get(AFTER_COMMIT)


def settle_refusal(response, session):
    """``after_request``: a refused request (400 or more) leaves nothing of its own work behind."""
    if response.status_code >= REFUSED:
        session.rollback()
        run_finishers(session, False)
    return response


@contextlib.contextmanager
def unit_of_work(session):
    """Commit ``session`` when the block (a job, a command) returns; roll back when it raises."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    commit(session)
