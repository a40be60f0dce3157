"""No id is handed out twice, on either database: not a deleted account's, not a deleted task's (nor its ETag)."""

from sqlalchemy import Integer, text

from taskapi.extensions import db
from tests.conftest import PASSWORD


def integer_key_tables():
    """Every model table whose primary key is one integer column."""
    return [table for table in db.metadata.sorted_tables
            if len(table.primary_key.columns) == 1 and isinstance(next(iter(table.primary_key.columns)).type, Integer)]


def test_every_integer_key_table_is_declared_autoincrement():
    tables = integer_key_tables()
    assert {"users", "tasks", "account_tokens"} <= {table.name for table in tables}
    assert [table.name for table in tables if not table.dialect_options["sqlite"]["autoincrement"]] == []


def test_the_migrated_sqlite_tables_use_autoincrement(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL sequences never hand out a number twice
        stored = dict(db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
        missing = [table.name for table in integer_key_tables() if "AUTOINCREMENT" not in stored[table.name].upper()]
        assert missing == []


def test_a_deleted_accounts_id_goes_to_nobody(client, auth):
    auth.register("first")
    headers = {"Authorization": f"Bearer {auth.token('first')}"}
    first_id = client.get("/auth/me", headers=headers).get_json()["id"]
    assert client.delete("/users/me", json={"current_password": PASSWORD}, headers=headers).status_code == 204
    response = auth.register("second")
    assert response.status_code == 201 and response.get_json()["id"] > first_id


def test_a_deleted_tasks_id_and_etag_go_to_nobody(client, user_headers, admin_headers, create_task):
    old = client.get(f"/tasks/{create_task(user_headers)['id']}", headers=user_headers)
    deleted = client.delete(f"/tasks/{old.get_json()['id']}",
                            headers={**admin_headers, "If-Match": old.headers["ETag"]})
    assert deleted.status_code == 204
    new = client.get(f"/tasks/{create_task(user_headers)['id']}", headers=user_headers)
    assert new.get_json()["id"] > old.get_json()["id"]
    assert new.headers["ETag"] != old.headers["ETag"]
    stale = client.patch(f"/tasks/{new.get_json()['id']}", json={"title": "x"},
                         headers={**user_headers, "If-Match": old.headers["ETag"]})
    assert stale.status_code == 412
