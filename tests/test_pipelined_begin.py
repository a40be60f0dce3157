"""A writing request on PostgreSQL: BEGIN rides with its first statement (taskapi/db/pipelined_begin.py).

What must hold: the request's statements share one server-side transaction, an error in the first
statement (from the server, or raised before anything was sent) is that statement's error and leaves
the connection usable, and a create reaches the server in three round trips.
"""

import tempfile

import pytest
from psycopg.pq import PipelineStatus, TransactionStatus
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from taskapi.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def postgres_app(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (set TEST_DATABASE_URL): SQLite's driver begins before a write itself")
    return app


def raw_connection():
    """The psycopg connection under the current session's transaction."""
    return db.session.connection().connection.dbapi_connection


def test_a_writing_requests_statements_share_one_transaction(postgres_app):
    with postgres_app.test_request_context("/tasks", method="POST"):
        first = db.session.execute(text("SELECT txid_current()")).scalar_one()
        second = db.session.execute(text("SELECT txid_current()")).scalar_one()
        assert first == second
        assert raw_connection().info.transaction_status == TransactionStatus.INTRANS
        db.session.rollback()
    with postgres_app.test_request_context("/tasks", method="GET"):  # a read has no transaction to share
        first = db.session.execute(text("SELECT txid_current()")).scalar_one()
        assert db.session.execute(text("SELECT txid_current()")).scalar_one() != first
        db.session.rollback()


@pytest.mark.parametrize("statement, parameters, error", [
    ("SELECT 1 / 0", {}, DBAPIError),  # the server refuses it: raised when the pipeline is sent
    ("SELECT :value", {"value": object()}, StatementError),  # psycopg refuses it before anything is sent
])
def test_a_failing_first_statement_is_its_own_error_and_the_connection_goes_on(postgres_app, statement, parameters,
                                                                              error):
    with postgres_app.test_request_context("/tasks", method="POST"):
        with pytest.raises(error):
            db.session.execute(text(statement), parameters)
        db.session.rollback()
        assert db.session.execute(text("SELECT 41 + 1")).scalar_one() == 42
        connection = raw_connection()
        assert connection.info.pipeline_status == PipelineStatus.OFF
        assert connection.info.transaction_status == TransactionStatus.INTRANS
        db.session.rollback()


def test_a_rolled_back_request_keeps_none_of_its_writes(postgres_app, client, user_headers):
    task = client.post("/tasks", json={"title": "kept"}, headers=user_headers).get_json()
    with postgres_app.test_request_context("/tasks", method="POST"):
        db.session.execute(text("UPDATE tasks SET title = 'lost' WHERE id = :id"), {"id": task["id"]})
        db.session.rollback()
    assert client.get(f"/tasks/{task['id']}", headers=user_headers).get_json()["title"] == "kept"


def test_a_create_reaches_the_server_in_three_round_trips(postgres_app, reused_app):
    app = reused_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})  # the connection traced is used
    client = app.test_client()
    client.post("/auth/register", json={"username": "tripper", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "tripper", "password": PASSWORD}).get_json()["access_token"]
    user_headers = {"Authorization": f"Bearer {token}"}
    for _ in range(6):  # past psycopg's prepare threshold, as a warm worker is
        client.post("/tasks", json={"title": "warm"}, headers=user_headers)
    with app.app_context():
        with db.engine.connect() as connection:  # the pooled connection the next request checks out
            raw = connection.connection.dbapi_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        assert client.post("/tasks", json={"title": "traced"}, headers=user_headers).status_code == 201
        raw.pgconn.untrace()
        trace.seek(0)
        messages = [line.rstrip("\n").split("\t") for line in trace]
    sent = [fields[3] for fields in messages if len(fields) > 3 and fields[1] == "F"]
    # Each round trip ends with a Sync (extended protocol) or is one simple Query (COMMIT).
    assert sent.count("Sync") + sent.count("Query") == 3, sent
