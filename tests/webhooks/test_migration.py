"""Migration 0015_webhooks: upgrade and downgrade on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from taskapi import create_app
from taskapi.extensions import db
from tests.conftest import create_postgres_database, drop_postgres_database

TABLES = {"webhooks", "webhook_deliveries"}


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_app(request, tmp_path):
    """An app on an empty database of its own."""
    if request.param == "sqlite":
        yield create_app(type("Scratch", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}))
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL runs with TEST_DATABASE_URL")
    url = create_postgres_database(os.environ["TEST_DATABASE_URL"])
    app = create_app(type("Scratch", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)}))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_postgres_database(url)


def test_upgrade_downgrade_upgrade(scratch_app):
    with scratch_app.app_context():
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("webhook_deliveries")}
        assert {"ix_webhook_deliveries_webhook", "ix_webhook_deliveries_due"} <= indexes
        if db.engine.dialect.name == "sqlite":
            sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'webhook_deliveries'")).scalar()
            assert "AUTOINCREMENT" in sql
        downgrade(revision="0010_projects")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert "projects" in inspect(db.engine).get_table_names()
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
