"""Migrations: head matches the models, the case-insensitive unique indexes survive, and downgrade works."""

import re

import pytest
from sqlalchemy import inspect, text

from taskapi.extensions import db
from tests.live import PROJECT_ROOT
from tests.scratch import downgrade, upgrade
from tests.scratch import scratch_app as scratch

MIGRATE_IMPORT = re.compile(r"^\s*(from flask_migrate import|import flask_migrate)", re.MULTILINE)


@pytest.fixture
def scratch_app(tmp_path):
    """An app on its own empty SQLite file (PostgreSQL runs the same migrations in the session fixture)."""
    with scratch(tmp_path, sqlite_only=True) as app:
        yield app


def unique_indexes(app):
    with app.app_context():
        rows = db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'"))
        return {name for (name,) in rows}


def test_upgrade_keeps_the_case_insensitive_unique_indexes(scratch_app):
    with scratch_app.app_context():
        upgrade()
    assert {"uq_users_username_lower", "uq_users_email_lower"} <= unique_indexes(scratch_app)


def test_downgrade_to_base_and_back(scratch_app):
    with scratch_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"users", "tasks", "account_tokens", "recovery_codes"} <= set(inspect(db.engine).get_table_names())
    assert {"uq_users_username_lower", "uq_users_email_lower"} <= unique_indexes(scratch_app)


def test_flask_db_commands_run_through_the_cli(scratch_app):
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert {"uq_users_username_lower", "uq_users_email_lower"} <= unique_indexes(scratch_app)
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with scratch_app.app_context():
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
    assert runner.invoke(args=["db", "-d", str(PROJECT_ROOT / "migrations"), "upgrade"]).exit_code == 0
    with scratch_app.app_context():
        assert {"users", "tasks", "account_tokens", "recovery_codes"} <= set(inspect(db.engine).get_table_names())


def test_migration_tests_end_their_transaction_before_migrating():
    """A test that migrates while its session holds a read lock hangs on PostgreSQL: they use tests/scratch.py."""
    allowed = {PROJECT_ROOT / "tests" / "scratch.py", PROJECT_ROOT / "tests" / "conftest.py"}
    direct = [path.relative_to(PROJECT_ROOT) for path in (PROJECT_ROOT / "tests").rglob("*.py")
              if path not in allowed and MIGRATE_IMPORT.search(path.read_text())]
    assert direct == []
