"""Safe methods never write: every GET of /openapi.json, and its HEAD, for an admin, a user and nobody.

On PostgreSQL these requests run outside a transaction (taskapi/db/request_session.py), where a
write would commit statement by statement. Any INSERT, UPDATE or DELETE fails these tests, on
either database, whatever the answer (200, 401, 403 or 404).
"""

import re

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from taskapi.extensions import db
from tests.operations import operations, params
from tests.project_world import project_world

# A write, also inside a WITH (PostgreSQL's data-modifying CTEs); SELECT ... FOR UPDATE is a read.
WRITE = re.compile(r"^\s*(WITH\b.*?\b)?(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\b|MERGE\b)",
                   re.IGNORECASE | re.DOTALL)
MISSING = 999_999


@pytest.fixture
def executed(app):
    """(statement, whether it ran outside a transaction: None on SQLite) for each statement the app's engine runs.

    PostgreSQL's own word, read once the statement ran: a statement run in autocommit leaves the
    connection idle; one in a transaction (however it was begun) leaves it in that transaction.
    """
    with app.app_context():
        engine = db.engine
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        info = getattr(cursor.connection, "info", None)
        status = getattr(info, "transaction_status", None)
        seen.append((statement, None if status is None else status == TransactionStatus.IDLE))

    event.listen(engine, "after_cursor_execute", record)
    yield seen
    event.remove(engine, "after_cursor_execute", record)


def on_postgresql(app):
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


@pytest.mark.parametrize("operation", params(operations(method="GET")))
def test_safe_methods_never_write(client, admin_headers, user_headers, create_task, executed, operation):
    task = create_task(admin_headers)
    ids = {"task_id": task["id"], "user_id": client.get("/auth/me", headers=admin_headers).get_json()["id"],
           **project_world(client, admin_headers)}
    executed.clear()
    answers = {}
    for caller, headers in {"admin": admin_headers, "user": user_headers, "nobody": {}}.items():
        for method in ("GET", "HEAD"):
            for url in {operation.url(ids), operation.url(MISSING)}:
                answers[caller, method, url] = client.open(url, method=method, headers=headers).status_code
    assert not [statement for statement, _ in executed if WRITE.match(statement)]
    assert all(status < 500 for status in answers.values()), answers
    if operation.secured:
        assert executed, "the listener saw no statement, so it could not have seen a write"
        assert 200 in answers.values(), answers


def test_the_write_check_catches_a_write(app, client, user_headers, executed):
    client.post("/tasks", json={"title": "a write"}, headers=user_headers)
    assert [statement for statement, _ in executed if WRITE.match(statement)]


def test_on_postgresql_reads_skip_the_transaction_and_writes_keep_theirs(app, client, user_headers, executed):
    if not on_postgresql(app):
        pytest.skip("PostgreSQL only (set TEST_DATABASE_URL): SQLite's driver already reads outside a transaction")
    first = client.post("/tasks", json={"title": "first"}, headers=user_headers).get_json()
    for method, path, body, autocommit in (("GET", "/tasks", None, True),
                                           ("POST", "/tasks", {"title": "second"}, False),
                                           ("HEAD", "/tasks", None, True),
                                           ("PATCH", f"/tasks/{first['id']}", {"title": "renamed"}, False),
                                           ("GET", f"/tasks/{first['id']}", None, True)):
        executed.clear()
        response = client.open(path, method=method, json=body, headers=user_headers)
        assert response.status_code < 300, response.get_data(as_text=True)
        assert executed and {mode for _, mode in executed} == {autocommit}, (method, executed)
    assert sorted(task["title"] for task in client.get("/tasks", headers=user_headers).get_json()) == [
        "renamed", "second"]
