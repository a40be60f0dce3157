"""Migration 0017_detached_deliveries with data in place, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

import pytest
from sqlalchemy import exc

from taskapi.extensions import db
from tests.scratch import downgrade, run, upgrade

BEFORE, AFTER = "0016_autoincrement", "0017_detached_deliveries"
DELIVERY = ("INSERT INTO webhook_deliveries (webhook_id, message_id, event, body, status, attempts, created_at{extra}) "
            "VALUES ({webhook}, :message, 'webhook.ping', '{{}}', 'pending', 0, CURRENT_TIMESTAMP{values})")


def seed_before():
    """A project with a webhook and two deliveries, in the schema of 0016."""
    upgrade(revision=BEFORE)
    run("INSERT INTO projects (name, created_at, updated_at) VALUES ('p', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    project_id = run("SELECT id FROM projects").scalar_one()
    run("INSERT INTO webhooks (project_id, url, events, active, secret_encrypted, failures_in_a_row, created_at, "
        "updated_at) VALUES (:p, 'https://hooks.example.com/in', '[\"project.deleted\"]', true, 'gAAAAtoken', 0, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", p=project_id)
    webhook_id = run("SELECT id FROM webhooks").scalar_one()
    for message in ("msg_a", "msg_b"):
        run(DELIVERY.format(webhook=webhook_id, extra="", values=""), message=message)
    db.session.commit()
    return webhook_id


def test_upgrade_keeps_deliveries_and_downgrade_drops_only_detached_ones(scratch_app):
    with scratch_app.app_context():
        webhook_id = seed_before()
        upgrade(revision=AFTER)
        assert run("SELECT webhook_id, message_id, url FROM webhook_deliveries ORDER BY id").all() == [
            (webhook_id, "msg_a", None), (webhook_id, "msg_b", None)]
        run(DELIVERY.format(webhook="NULL", extra=", url, secret_encrypted", values=", 'https://h.example/in', 'gA'"),
            message="msg_detached")
        db.session.commit()
        with pytest.raises(exc.IntegrityError):  # neither attached nor carrying an endpoint
            run(DELIVERY.format(webhook="NULL", extra="", values=""), message="msg_nowhere")
        db.session.rollback()
        with pytest.raises(exc.IntegrityError):  # the status CHECK survived the rebuild
            run("UPDATE webhook_deliveries SET status = 'lost'")
        db.session.rollback()
        if db.engine.dialect.name == "sqlite":
            sql = run("SELECT sql FROM sqlite_master WHERE name = 'webhook_deliveries'").scalar()
            assert "AUTOINCREMENT" in sql and "ON DELETE CASCADE" in sql
        downgrade(revision=BEFORE)
        assert run("SELECT message_id FROM webhook_deliveries ORDER BY id").scalars().all() == ["msg_a", "msg_b"]
        columns = {column["name"]: column for column in db.inspect(db.engine).get_columns("webhook_deliveries")}
        assert "url" not in columns and columns["webhook_id"]["nullable"] is False
        db.session.commit()
        upgrade()
        run("DELETE FROM webhooks")
        db.session.commit()
        assert run("SELECT count(*) FROM webhook_deliveries").scalar_one() == 0  # the cascade still applies
        db.session.remove()
        db.engine.dispose()
