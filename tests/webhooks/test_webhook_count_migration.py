"""Migration 0019_project_webhook_count with data in place, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""


from taskapi.extensions import db
from tests.scratch import downgrade, run, upgrade

BEFORE, AFTER = "0018_search", "0019_project_webhook_count"
WEBHOOK = ("INSERT INTO webhooks (project_id, url, events, active, secret_encrypted, failures_in_a_row, created_at, "
           "updated_at) VALUES (:p, 'https://hooks.example.com/in', '[]', :active, 'gAAAAtoken', 0, "
           "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")


def test_upgrade_counts_the_active_webhooks_and_downgrade_drops_the_count(scratch_app):
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        for name in ("two on, one off", "none"):
            run("INSERT INTO projects (name, created_at, updated_at) VALUES (:n, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                n=name)
        first = run("SELECT id FROM projects WHERE name = 'two on, one off'").scalar_one()
        for active in (True, True, False):
            run(WEBHOOK, p=first, active=active)
        db.session.commit()
        upgrade(revision=AFTER)
        assert run("SELECT name, active_webhook_count FROM projects ORDER BY id").all() == [
            ("two on, one off", 2), ("none", 0)]
        db.session.commit()
        downgrade(revision=BEFORE)
        columns = {column["name"] for column in db.inspect(db.engine).get_columns("projects")}
        assert "active_webhook_count" not in columns
        assert run("SELECT count(*) FROM webhooks").scalar_one() == 3
        db.session.commit()
        upgrade()
        db.session.remove()
        db.engine.dispose()
