"""Migration 0012_project_tasks with data in place: tasks become personal, and downgrade keeps them."""


from taskapi.extensions import db
from tests.scratch import downgrade, insert_user, run, upgrade

BEFORE, AFTER = "0010_projects", "0012_project_tasks"


def seed_before(app):
    """Two users with personal tasks, in the schema of 0010."""
    with app.app_context():
        upgrade(revision=BEFORE)
        for user_id, name, count in ((1, "ada", 2), (2, "bob", 1)):
            insert_user(user_id, name, count)
            for number in range(count):
                run("INSERT INTO tasks (owner_id, title, completed, priority, created_at, updated_at, version) "
                    "VALUES (:owner, :title, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
                    owner=user_id, title=f"{name} {number}")
        db.session.commit()


def test_upgrade_makes_every_task_personal_and_downgrade_keeps_them(scratch_app):
    seed_before(scratch_app)
    with scratch_app.app_context():
        upgrade(revision=AFTER)
        rows = run("SELECT owner_id, project_id, assignee_id FROM tasks ORDER BY id").all()
        assert [tuple(row) for row in rows] == [(1, None, None), (1, None, None), (2, None, None)]
        assert run("SELECT task_count FROM users ORDER BY id").scalars().all() == [2, 1]
        # a project with a task, and an assigned personal task, then back down
        run("INSERT INTO projects (name, created_at, updated_at) VALUES ('p', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        project_id = run("SELECT id FROM projects").scalar_one()
        run("INSERT INTO tasks (owner_id, project_id, assignee_id, title, completed, priority, created_at, "
            "updated_at, version) VALUES (2, :p, 2, 'shared', false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
            p=project_id)
        run("INSERT INTO project_events (project_id, type, at, details) VALUES (:p, 'project.created', "
            "CURRENT_TIMESTAMP, '{}')", p=project_id)
        db.session.commit()
        downgrade(revision=BEFORE)
        titles = run("SELECT title FROM tasks ORDER BY id").scalars().all()
        assert titles == ["ada 0", "ada 1", "bob 0"]
        assert run("SELECT task_count FROM users ORDER BY id").scalars().all() == [2, 1]
        columns = {column["name"] for column in db.inspect(db.engine).get_columns("tasks")}
        assert "project_id" not in columns and "assignee_id" not in columns
        assert "project_events" not in db.inspect(db.engine).get_table_names()
        db.session.commit()
        upgrade()
        assert run("SELECT count(*) FROM tasks WHERE project_id IS NULL").scalar_one() == 3
