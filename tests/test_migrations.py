"""Migrations: head matches the models, the case-insensitive unique indexes survive, and downgrade works."""


import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from taskapi import create_app
from taskapi.extensions import db
from tests.live import PROJECT_ROOT


@pytest.fixture
def scratch_app(tmp_path):
    """An app on its own empty SQLite file (PostgreSQL runs the same migrations in the session fixture)."""
    return create_app(type("Scratch", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"}))


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
