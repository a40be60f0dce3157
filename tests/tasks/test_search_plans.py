"""PostgreSQL plans a search's statements for their own search text: psycopg never prepares them."""

import pytest
from sqlalchemy import text

from taskapi.extensions import db
from tests.conftest import AuthActions

RUNS = 8  # psycopg prepares a statement on its fifth run on a connection


def test_search_statements_are_planned_for_each_search_text(make_app):
    app = make_app(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0)  # every request on the one connection inspected below
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only (set TEST_DATABASE_URL): SQLite prepares nothing across statements")
    client = app.test_client()
    headers = AuthActions(client, app.test_cli_runner()).headers("ada")
    assert client.post("/tasks", json={"title": "Quarterly report"}, headers=headers).status_code == 201
    for q in ["report", "rep", "re"] * RUNS:  # a page by number, and past the end: the count's statement too
        for page in (1, 2):
            response = client.get("/tasks", query_string={"q": q, "page": page}, headers=headers)
            assert response.status_code == 200
            assert response.headers["X-Total-Count"] == "1"
    with app.app_context():
        prepared = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert any("auth_sessions" in statement for statement in prepared)  # the session check, run as often, is
    assert not [statement for statement in prepared if "ILIKE" in statement.upper()]
