"""A request remembers that it sent a COMMIT (then it is never run again after a lost connection),
from a session event: no connection event is left on the engine to slow every statement."""

import pytest
from flask import g
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from taskapi.db.reconnect import COMMITTED
from taskapi.db.unit_of_work import write_apart
from taskapi.extensions import db
from taskapi.models import User


def test_a_new_engine_dispatches_no_connection_events(make_app):
    app = make_app()
    with app.app_context():
        # What SQLAlchemy checks before each statement's before/after_execute dispatch: any
        # ConnectionEvents listener on the engine (or on Engine) turns it on for good.
        assert db.engine._has_events is False


def test_a_write_apart_marks_the_request_committed(app):
    with app.test_request_context("/tasks", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert not g.get(COMMITTED)  # a read commits nothing
        write_apart(db.session, lambda side: side.execute(text("SELECT 1")))
        assert g.get(COMMITTED) is True
        db.session.remove()


def test_a_flush_refused_before_the_commit_leaves_the_request_free_to_run_again(app):
    """The flush runs before the mark: a statement that fails there sent no COMMIT."""
    def add_duplicate(side):
        side.add(User(username="twin", password_hash="x"))
        side.add(User(username="TWIN", password_hash="x"))  # unique case-insensitively: the flush fails

    with app.test_request_context("/tasks", method="POST"):
        with pytest.raises(IntegrityError):
            write_apart(db.session, add_duplicate)
        assert not g.get(COMMITTED)
        db.session.remove()
