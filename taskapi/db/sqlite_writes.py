"""SQLite: writers take turns on a lock, not through SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the database locked retries
after sleeps that grow to 100 ms, so a burst of writes turned into tails of a second
(`bench/README.md`). Here a session takes its engine's write lock before its first write and
gives it back when its transaction ends: the threads of a worker queue on a thread lock, and
the workers on an ``flock`` of ``<database>.writelock``, and each waiter starts the moment the
writer before it is done. PostgreSQL sessions are untouched.
"""

import fcntl
import os
import threading
import weakref

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from taskapi.db.engine import sqlite_file_path
from taskapi.db.events import listen_once

HELD = "sqlite_write_lock"
_locks: weakref.WeakKeyDictionary[Engine, "WriteLock"] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


class WriteLock:
    """This process's threads queue on a lock; for a database file, processes queue on an flock."""

    def __init__(self, database_path):
        self.pid = os.getpid()
        self._threads = threading.RLock()
        self._depth = 0
        self._file = open(f"{database_path}.writelock", "a") if sqlite_file_path(database_path) else None  # noqa: SIM115
        if self._file:
            weakref.finalize(self, self._file.close)  # closed with the engine's lock, when it is collected

    def acquire(self):
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1 and self._file:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self):
        self._depth -= 1
        if self._depth == 0 and self._file:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()


def write_lock(engine):
    """The lock that serialises writes to ``engine`` (re-entrant per thread; a fresh one after a fork)."""
    with _locks_guard:
        lock = _locks.get(engine)
        if lock is None or lock.pid != os.getpid():
            lock = _locks[engine] = WriteLock(engine.url.database)
        return lock


def take_write_lock(session):
    """Before a session's first write in a transaction: wait for its SQLite engine's lock."""
    if HELD in session.info:
        return
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    engine = getattr(bind, "engine", bind)  # a session may be bound to a Connection
    lock = write_lock(engine)
    lock.acquire()
    session.info[HELD] = lock


def before_flush(session, flush_context, instances):
    if session.new or session.dirty or session.deleted:
        take_write_lock(session)


def before_bulk_write(orm_execute_state):
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        take_write_lock(orm_execute_state.session)


def release_write_lock(session, transaction):
    if transaction.parent is None and HELD in session.info:
        session.info.pop(HELD).release()


LISTENERS = (("before_flush", before_flush), ("do_orm_execute", before_bulk_write),
             ("after_transaction_end", release_write_lock))


def install_write_lock():
    """Hook the write lock into every ORM session (idempotent; PostgreSQL sessions pass through)."""
    listen_once(Session, LISTENERS)
