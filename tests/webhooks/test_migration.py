"""Migration 0015_webhooks: upgrade and downgrade on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""

from sqlalchemy import inspect, text

from taskapi.extensions import db
from tests.scratch import downgrade, upgrade

TABLES = {"webhooks", "webhook_deliveries"}


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
