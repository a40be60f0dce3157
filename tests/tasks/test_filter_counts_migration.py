"""Migration 0020_filter_counts: the completed and per-priority counts of existing tasks, and their removal."""

from sqlalchemy import inspect

from taskapi.extensions import db
from tests.scratch import downgrade, insert_user, run, upgrade

BEFORE, AFTER = "0019_project_webhook_count", "0020_filter_counts"
COUNTS = ["task_count", "completed_task_count", "low_task_count", "normal_task_count", "high_task_count"]


def counts(table):
    return [tuple(row) for row in run(f"SELECT {', '.join(COUNTS)} FROM {table} ORDER BY id")]


def test_upgrade_counts_existing_tasks_and_downgrade_drops_the_counts(scratch_app):
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        for user_id, name, task_count in ((1, "ada", 3), (2, "bob", 0)):
            insert_user(user_id, name, task_count)
        for project_id in (1, 2):
            run("INSERT INTO projects (id, name, created_at, updated_at, task_count) "
                "VALUES (:id, 'p', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :count)", id=project_id, count=2 - project_id)
        # ada: three personal tasks (one done, priorities 0, 2, 2); project 1: one done task by bob
        for owner, project, completed, priority in ((1, None, False, 0), (1, None, True, 2), (1, None, False, 2),
                                                    (2, 1, True, 1)):
            run("INSERT INTO tasks (owner_id, project_id, title, completed, priority, created_at, updated_at, "
                "version) VALUES (:owner, :project, 't', :completed, :priority, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 1)", owner=owner, project=project, completed=completed, priority=priority)
        db.session.commit()

        upgrade(revision=AFTER)
        assert counts("users") == [(3, 1, 1, 0, 2), (0, 0, 0, 0, 0)]
        assert counts("projects") == [(1, 1, 0, 1, 0), (0, 0, 0, 0, 0)]
        db.session.commit()

        downgrade(revision=BEFORE)
        for table in ("users", "projects"):
            columns = {column["name"] for column in inspect(db.engine).get_columns(table)}
            assert "task_count" in columns and not set(COUNTS[1:]) & columns
