"""Migration 0013_invitations: upgrade and downgrade with data in place, on SQLite and PostgreSQL."""

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from taskapi import create_app
from taskapi.extensions import db
from tests.conftest import create_postgres_database, drop_postgres_database

NOW = "2026-12-06 10:00:00+00:00"


@pytest.fixture
def scratch_app(tmp_path):
    """An app on a database of its own: a fresh PostgreSQL database in the PostgreSQL pass, else a SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL")
    url = create_postgres_database(base) if base else None
    uri = url.render_as_string(hide_password=False) if url else f"sqlite:///{tmp_path / 'm.sqlite'}"
    app = create_app(type("Scratch", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri}))
    yield app
    with app.app_context():
        db.engine.dispose()
    if url is not None:
        drop_postgres_database(url)


def test_upgrade_and_downgrade_with_data_in_place(scratch_app):
    with scratch_app.app_context():
        upgrade(revision="0010_projects")
        db.session.execute(text("INSERT INTO users (username, password_hash, role, is_active, created_at, "
                                "token_version, email_verified, totp_enabled, task_count, reminders) VALUES "
                                f"('alice', 'x', 'user', true, '{NOW}', 0, false, false, 0, 'off')"))
        db.session.execute(text(f"INSERT INTO projects (name, created_at, updated_at) VALUES ('A', '{NOW}', '{NOW}')"))
        db.session.commit()
        upgrade(revision="0013_invitations")
        columns = {column["name"] for column in inspect(db.engine).get_columns("project_invitations")}
        assert {"project_id", "email", "role", "token_hash", "inviter_id", "created_at", "expires_at",
                "status"} <= columns
        insert = text("INSERT INTO project_invitations (project_id, email, role, token_hash, inviter_id, created_at, "
                      f"expires_at, status) VALUES (1, :email, 'viewer', :digest, 1, '{NOW}', '{NOW}', 'pending')")
        db.session.execute(insert, {"email": "a@example.com", "digest": "a" * 64})
        db.session.execute(text("DELETE FROM project_invitations"))
        db.session.execute(insert, {"email": "b@example.com", "digest": "b" * 64})
        # Ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL).
        assert db.session.scalar(text("SELECT id FROM project_invitations")) == 2
        db.session.commit()
        downgrade(revision="0010_projects")
        assert "project_invitations" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(text("SELECT count(*) FROM projects")) == 1
        upgrade()
        assert "project_invitations" in inspect(db.engine).get_table_names()
        db.session.remove()
