"""One unit of work per request: the main flows commit once (or a few times, for what a refusal keeps)
and read no row twice. Counted on the engine, so writes apart from the request count too."""

import re
import time
from contextlib import contextmanager

import pyotp
import pytest
from flask import Response
from sqlalchemy import event, select

from taskapi.db.unit_of_work import finish_view
from taskapi.extensions import db
from taskapi.models import User
from tests.conftest import PASSWORD

USERS_READ = re.compile(r"^\s*SELECT\b.*\bFROM users\b", re.IGNORECASE | re.DOTALL)
REAUTH = {"current_password": PASSWORD}


@contextmanager
def counted(app):
    """Count COMMITs and statements on ``app``'s engine while the block runs: {"commits", "statements"}."""
    with app.app_context():
        engine = db.engine
    seen = {"commits": 0, "statements": []}

    def on_commit(connection):
        seen["commits"] += 1

    def on_statement(connection, cursor, statement, parameters, context, executemany):
        seen["statements"].append((statement, parameters))

    event.listen(engine, "commit", on_commit)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_statement)


def users_reads(seen):
    """The statements that read the users table."""
    return [statement for statement, _ in seen["statements"] if USERS_READ.search(statement)]


@pytest.fixture
def totp_secret(client, auth):
    """ada with 2FA on; the secret. Waits for the next 30-second step, since enabling spent this one's code."""
    headers = auth.headers("ada")
    secret = client.post("/auth/2fa/setup", json=REAUTH, headers=headers).get_json()["secret"]
    response = client.post("/auth/2fa/enable", json={**REAUTH, "code": pyotp.TOTP(secret).now()}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return secret


def fresh_code(secret):
    """A code of the next step (accepted within the window, and never the one enabling spent)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_creating_a_task_commits_once(app, client, user_headers):
    with counted(app) as seen:
        response = client.post("/tasks", json={"title": "one unit"}, headers=user_headers)
    assert response.status_code == 201
    assert seen["commits"] == 1
    assert len(seen["statements"]) <= 3, seen["statements"]


def test_a_sign_in_with_totp_commits_at_most_three_times_and_reads_the_account_once(app, auth, totp_secret):
    with counted(app) as seen:
        response = auth.login(otp=fresh_code(totp_secret))
    assert response.status_code == 200, response.get_json()
    # The password's unit and the code's unit are each taken apart before their check; then the sign-in.
    assert seen["commits"] <= 3
    assert len(users_reads(seen)) == 1, users_reads(seen)
    assert len(seen["statements"]) <= 15, seen["statements"]


def test_the_two_step_sign_in_commits_what_each_answer_needs(app, auth, client, totp_secret):
    with counted(app) as first:
        refused = auth.login()
    assert refused.status_code == 401 and refused.get_json()["error"] == "mfa_required"
    # The unit taken, the pending second step, and the right password's unit given back: the 401 keeps all three.
    assert first["commits"] <= 3
    assert len(users_reads(first)) == 1, users_reads(first)
    with counted(app) as second:
        response = client.post("/auth/login/2fa", json={"mfa_token": refused.get_json()["mfa_token"],
                                                         "otp": fresh_code(totp_secret)})
    assert response.status_code == 200, response.get_json()
    assert second["commits"] <= 2
    assert len(users_reads(second)) == 1, users_reads(second)


def test_a_refused_request_commits_only_what_it_must_keep(app, auth, client, user_headers):
    with counted(app) as seen:
        response = auth.login(password="not the password at all")
    assert response.status_code == 401
    assert seen["commits"] == 2  # the unit taken before the check, then the login.failed event
    with counted(app) as seen:
        response = client.post("/tasks", json={"title": "x", "project_id": 2147483647}, headers=user_headers)
    assert response.status_code == 404
    assert seen["commits"] == 0


def test_a_write_apart_after_the_request_wrote_is_refused_rather_than_left_waiting(app):
    from taskapi.db.unit_of_work import write_apart
    from taskapi.models import SecurityEvent, utcnow

    with app.test_request_context("/tasks", method="POST"):
        db.session.add(SecurityEvent(type="logout", at=utcnow(), details={}))
        with pytest.raises(RuntimeError):
            write_apart(db.session, lambda side: None)
        kept = write_apart(db.session, lambda side: side.add(SecurityEvent(type="logout.all", at=utcnow(),
                                                                             details={})), discard=True)
        assert kept is None and not db.session.new  # the request's own write was discarded first
        assert db.session.scalars(db.select(SecurityEvent.type)).all() == ["logout.all"]


def test_a_refusals_security_event_is_stored_and_logged_once(app, auth, client, user_headers, caplog):
    from taskapi.models import SecurityEvent

    caplog.set_level("INFO", logger="taskapi.security")
    assert auth.login(password="not the password at all").status_code == 401
    response = client.post("/auth/password", json={"current_password": "wrong " + PASSWORD,
                                                   "new_password": "another fine passphrase 42"}, headers=user_headers)
    assert response.status_code == 400  # refused by @reauthenticated, before the view wrote anything
    with app.app_context():
        stored = db.session.scalars(db.select(SecurityEvent.type).where(
            SecurityEvent.type.in_(["login.failed", "reauth.failed"]))).all()
    logged = [record.getMessage() for record in caplog.records if record.name == "taskapi.security"]
    assert sorted(stored) == ["login.failed", "reauth.failed"]
    assert logged.count("security event login.failed") == 1
    assert logged.count("security event reauth.failed") == 1


def test_a_write_sent_on_the_connection_counts_as_the_requests_write(app, auth):
    from taskapi.db.unit_of_work import write_apart
    from taskapi.tasks.writes import insert_task

    auth.register()
    with app.test_request_context("/tasks", method="POST"):
        insert_task(1, {"title": "t", "description": "", "completed": False, "priority": 0, "due_date": None,
                        "assignee": None})
        with pytest.raises(RuntimeError):  # on SQLite it would wait on the request's own write lock
            write_apart(db.session, lambda side: None)
        db.session.rollback()


@pytest.mark.parametrize("path", ["/tasks", "/tasks?completed=true", "/auth/me", "/users/me", "/projects"])
def test_a_read_commits_nothing(app, client, user_headers, path):
    with counted(app) as seen:
        assert client.get(path, headers=user_headers).status_code == 200
    assert seen["statements"], "the read ran no statement, so it could not have committed one"
    assert seen["commits"] == 0


def test_a_safe_request_that_changed_an_object_still_commits_it(app, auth):
    auth.headers("ada")
    with app.test_request_context("/users/me", method="GET"):
        user = db.session.scalar(select(User).where(User.username == "ada"))
        user.reminders = "daily"  # what no GET does today; were one to, its change must not be lost
        finish_view(Response(status=200), db.session)
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(select(User.reminders).where(User.username == "ada")) == "daily"
