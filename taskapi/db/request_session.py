"""The class behind ``db.session``: on PostgreSQL, a request with a safe method reads outside a transaction.

At PostgreSQL's default isolation (READ COMMITTED) every statement sees what was committed when it
began, inside a transaction or not, so a request that only reads gains nothing from one and pays
two round trips for it: psycopg's ``BEGIN`` and the ``ROLLBACK`` when the connection goes back to
the pool. GET, HEAD and OPTIONS requests therefore get the engine with ``isolation_level`` AUTOCOMMIT
(SQLAlchemy's per-engine execution option: the same pool, and the level is restored when the
connection is returned). Every other request keeps its transaction, opened with one round trip
fewer (taskapi/db/pipelined_begin.py); jobs and commands keep the engine's own. Safe methods
never write: ``tests/test_safe_methods_read_only.py`` walks every such route from /openapi.json and
fails on any INSERT, UPDATE or DELETE. SQLite is left as it is: Python's sqlite3 driver already
reads outside a transaction (it sends BEGIN only before a write), and costs no round trips.
"""

import threading
import weakref

from flask import has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import Engine

from taskapi.db.pipelined_begin import pipelined_begin_engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_twins: weakref.WeakKeyDictionary[Engine, dict] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def twin(engine, make):
    """``make(engine)``, made once per engine and kept, so that a session always finds the same one."""
    found = _twins.get(engine, {}).get(make)
    if found is None:
        with _lock:
            twins = _twins.setdefault(engine, {})
            if make not in twins:
                twins[make] = make(engine)
            found = twins[make]
    return found


def with_autocommit(engine):
    """A twin of ``engine`` with AUTOCOMMIT isolation (the same pool; the level is restored on return)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def reads_without_transaction(engine):
    """True when the current request may use ``engine`` without a transaction."""
    return engine.dialect.name == "postgresql" and has_request_context() and request.method in SAFE_METHODS


def writes_in_request(engine):
    """True when the current request may write through ``engine`` on PostgreSQL (taskapi/db/pipelined_begin.py)."""
    return engine.dialect.name == "postgresql" and has_request_context() and request.method not in SAFE_METHODS


class RequestSession(Session):
    """Flask-SQLAlchemy's session (its documented ``class_`` option), binding requests on PostgreSQL to
    autocommit (safe methods) or to a transaction whose BEGIN rides with its first statement (the others)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """The engine Flask-SQLAlchemy chooses; on PostgreSQL during a request, the twin for its method."""
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and reads_without_transaction(engine):
            return twin(engine, with_autocommit)
        if bind is None and writes_in_request(engine):
            return twin(engine, pipelined_begin_engine)
        return engine

    def transactional_bind(self):
        """The engine Flask-SQLAlchemy chooses, with its transactions (for a write apart from the request)."""
        return super().get_bind()
