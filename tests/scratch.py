"""Migration tests: a database of the test's own, and migration steps that never wait on the test's own locks."""

import os
from contextlib import contextmanager

import flask_migrate
from sqlalchemy import text

from config import TestConfig
from taskapi import create_app
from taskapi.extensions import db


def end_transaction():
    """Commit the test's open transaction: on PostgreSQL a pending read holds a lock that ALTER TABLE waits on."""
    db.session.commit()


def upgrade(revision="head"):
    """``flask_migrate.upgrade`` after ending the test's own transaction."""
    end_transaction()
    flask_migrate.upgrade(revision=revision)


def downgrade(revision):
    """``flask_migrate.downgrade`` after ending the test's own transaction."""
    end_transaction()
    flask_migrate.downgrade(revision=revision)


def run(sql, **params):
    """``sql`` on the session: a migration test speaks its revision's schema, not today's models."""
    return db.session.execute(text(sql), params)


def insert_user(user_id, name, task_count=0):
    """A users row as every revision from 0010 on has it, counting ``task_count`` personal tasks."""
    run("INSERT INTO users (id, username, password_hash, role, is_active, created_at, token_version, "
        "email_verified, totp_enabled, task_count, reminders) VALUES "
        "(:id, :name, 'x', 'user', true, CURRENT_TIMESTAMP, 0, false, false, :count, 'off')",
        id=user_id, name=name, count=task_count)


@contextmanager
def scratch_app(tmp_path, sqlite_only=False):
    """An app on an empty database of its own: a fresh PostgreSQL one when TEST_DATABASE_URL is set, else SQLite."""
    from tests.conftest import create_postgres_database, drop_postgres_database

    base = None if sqlite_only else os.environ.get("TEST_DATABASE_URL")
    url = create_postgres_database(base) if base else None
    uri = url.render_as_string(hide_password=False) if url else f"sqlite:///{tmp_path / 'scratch.sqlite'}"
    app = create_app(type("Scratch", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri}))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if url is not None:
            drop_postgres_database(url)
