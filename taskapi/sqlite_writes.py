"""SQLite: a worker's threads take turns to write on a lock, not through SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the database locked retries
after sleeps that grow to 100 ms, so a burst of writes from one worker's threads turned into
tails of a second (`bench/README.md`). Here a session takes its engine's lock before its first
write and gives it back when its transaction ends, so a waiting thread starts the moment the
writer commits; the busy handler is left to arbitrate between worker processes only.
PostgreSQL sessions are untouched.
"""

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import Session

HELD = "sqlite_write_lock"
_locks = WeakKeyDictionary()
_locks_guard = threading.Lock()


def write_lock(engine):
    """The lock that serialises writes to ``engine`` within this process (re-entrant per thread)."""
    with _locks_guard:
        if engine not in _locks:
            _locks[engine] = threading.RLock()
        return _locks[engine]


def take_write_lock(session):
    """Before a session's first write in a transaction: wait for its SQLite engine's lock."""
    if HELD in session.info:
        return
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return
    lock = write_lock(engine)
    lock.acquire()
    session.info[HELD] = lock


@event.listens_for(Session, "before_flush")
def before_flush(session, flush_context, instances):
    if session.new or session.dirty or session.deleted:
        take_write_lock(session)


@event.listens_for(Session, "do_orm_execute")
def before_bulk_write(orm_execute_state):
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        take_write_lock(orm_execute_state.session)


@event.listens_for(Session, "after_transaction_end")
def release_write_lock(session, transaction):
    if transaction.parent is None and HELD in session.info:
        session.info.pop(HELD).release()
