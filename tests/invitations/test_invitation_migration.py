"""Migration 0013_invitations: upgrade and downgrade with data in place, on SQLite and PostgreSQL."""

from sqlalchemy import inspect, text

from taskapi.extensions import db
from tests.scratch import downgrade, upgrade

NOW = "2026-12-06 10:00:00+00:00"


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
