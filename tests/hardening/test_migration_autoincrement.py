"""0016_autoincrement with rows in place: nothing lost or changed, no id reused afterwards, and back down."""

import pytest
from sqlalchemy import inspect, text

from taskapi.extensions import db
from tests.scratch import downgrade, upgrade

BEFORE, AFTER = "0015_webhooks", "0016_autoincrement"
TABLES = ("users", "tasks", "account_tokens", "recovery_codes", "reminder_digests", "security_events", "passkeys")
ROWS = {
    "users": "INSERT INTO users (id, username, email, password_hash, role, is_active, created_at, token_version, "
             "email_verified, totp_enabled, task_count, reminders) VALUES "
             "(1, 'ada', 'ada@example.com', 'h', 'user', true, '2026-01-01 00:00:00', 0, false, false, 2, 'off'), "
             "(3, 'bob', NULL, 'h', 'admin', true, '2026-01-02 00:00:00', 0, false, false, 0, 'daily')",
    "tasks": "INSERT INTO tasks (id, owner_id, title, completed, priority, created_at, updated_at, version) VALUES "
             "(7, 1, 'one', false, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1), "
             "(9, 1, 'two', true, 2, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 3)",
    "account_tokens": "INSERT INTO account_tokens (id, token_hash, user_id, purpose, email, created_at, expires_at) "
                      "VALUES (4, 'abc', 1, 'verify_email', 'ada@example.com', '2026-01-01 00:00:00', "
                      "'2026-01-02 00:00:00')",
    "security_events": "INSERT INTO security_events (id, type, at, user_id, details) VALUES "
                       "(11, 'login.succeeded', '2026-01-01 00:00:00', 3, '{}')",
}


def contents():
    """Every row of the tables the migration rebuilds, in id order."""
    return {table: db.session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() for table in TABLES}


def shape():
    """What each table promises: columns, key, foreign keys, unique and check constraints, indexes."""
    inspector = inspect(db.engine)
    found = {}
    for table in TABLES:
        indexes = {index["name"]: (index["column_names"], bool(index["unique"])) for index in
                   inspector.get_indexes(table)}
        if db.engine.dialect.name == "sqlite":  # expression indexes (lower(email)) are not reflected: read their SQL
            indexes.update(db.session.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"),
                {"t": table}).all())
        found[table] = {
            "columns": [(column["name"], str(column["type"]), column["nullable"]) for column in
                        inspector.get_columns(table)],
            "key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign": sorted((fk["constrained_columns"], fk["referred_table"], fk["options"].get("ondelete"))
                              for fk in inspector.get_foreign_keys(table)),
            "unique": sorted(sorted(unique["column_names"]) for unique in inspector.get_unique_constraints(table)),
            "check": sorted(" ".join(check["sqltext"].split()) for check in inspector.get_check_constraints(table)),
            "indexes": indexes,
        }
    return found


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_and_downgrade_with_data_in_place(scratch_app):
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        for statement in ROWS.values():
            db.session.execute(text(statement))
        if db.engine.dialect.name == "postgresql":  # rows written with their ids, as a restore would
            for table in ROWS:
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                                        f"FROM {table}"))
        db.session.commit()
        rows, before = contents(), shape()

        upgrade(revision=AFTER)
        assert contents() == rows and shape() == before
        # The newest rows go; their ids are not handed out again.
        db.session.execute(text("DELETE FROM tasks WHERE id = 9"))
        db.session.execute(text("DELETE FROM users WHERE id = 3"))
        db.session.commit()
        user_id = db.session.execute(text(
            "INSERT INTO users (username, password_hash, role, is_active, created_at, token_version, email_verified, "
            "totp_enabled, task_count, reminders) VALUES ('eve', 'h', 'user', true, '2026-01-03 00:00:00', 0, false, "
            "false, 0, 'off') RETURNING id")).scalar_one()
        task_id = db.session.execute(text(
            "INSERT INTO tasks (owner_id, title, completed, priority, created_at, updated_at, version) VALUES "
            "(1, 'three', false, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1) RETURNING id")).scalar_one()
        db.session.commit()
        assert (user_id, task_id) == (4, 10)

        rows = contents()
        downgrade(revision=BEFORE)
        assert contents() == rows and shape() == before
        upgrade(revision=AFTER)  # compared at AFTER: later migrations add columns (0020_filter_counts)
        assert contents() == rows
        upgrade()
        db.engine.dispose()
