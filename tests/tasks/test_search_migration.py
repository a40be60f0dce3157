"""Migration 0018_search with tasks in place: the index covers them, follows writes, and goes on downgrade."""

from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import Task
from taskapi.tasks.search import searched
from tests.scratch import downgrade, insert_user, run, upgrade

BEFORE, AFTER = "0017_detached_deliveries", "0018_search"
NEW_INDEXES = {f"ix_tasks_personal_{name}" for name in ("created", "title", "priority", "due", "due_desc", "completed",
                                                         "priority_due")} | {
    f"ix_tasks_project_{name}" for name in ("title", "priority", "due", "due_desc", "completed", "priority_due")}
REPLACED = {"ix_tasks_owner_priority", "ix_tasks_owner_title", "ix_tasks_owner_due"}
SEARCH_OBJECTS = {"sqlite": {"tasks_search", "tasks_search_source", "tasks_search_insert", "tasks_search_delete",
                             "tasks_search_update"},
                  "postgresql": {"ix_tasks_title_trgm", "ix_tasks_description_trgm"}}


def search(q):
    """Titles matching ``q`` through the listing's own search, by id."""
    return db.session.scalars(searched(select(Task.title), q).order_by(Task.id)).all()


def search_objects():
    """The names of the search table, view, triggers (SQLite) or trigram indexes (PostgreSQL) present."""
    if db.engine.dialect.name == "sqlite":
        names = run("SELECT name FROM sqlite_master WHERE name LIKE 'tasks_search%'").scalars()
    else:
        names = run("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'").scalars()
    return set(names) & SEARCH_OBJECTS[db.engine.dialect.name]


def task_indexes():
    """The names of the indexes on tasks (read from the catalogue: reflection skips expression indexes)."""
    if db.engine.dialect.name == "sqlite":
        return set(run("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'").scalars())
    return set(run("SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'").scalars())


def test_upgrade_indexes_existing_tasks_and_downgrade_removes_it(scratch_app):
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        insert_user(1, "ada", 3)
        for title, description in (("Call Ünal", "über wichtig"), ("50% discount", None), ("Straße", "a_b")):
            run("INSERT INTO tasks (owner_id, title, description, completed, priority, created_at, updated_at, "
                "version) VALUES (1, :title, :description, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
                title=title, description=description)
        db.session.commit()
        rows = run("SELECT * FROM tasks ORDER BY id").all()

        upgrade(revision=AFTER)
        dialect = db.engine.dialect.name
        assert search_objects() == SEARCH_OBJECTS[dialect]
        assert NEW_INDEXES <= task_indexes()
        assert not REPLACED & task_indexes()  # the personal partial indexes took their place
        assert run("SELECT * FROM tasks ORDER BY id").all() == rows
        assert search("ÜNAL") == ["Call Ünal"] and search("ÜBER w") == ["Call Ünal"]
        assert search("0% d") == ["50% discount"] and search("a_b") == ["Straße"] and search("a%b") == []
        if dialect == "sqlite":  # FTS5 agrees the index holds what the content view says
            run("INSERT INTO tasks_search (tasks_search) VALUES ('integrity-check')")

        # writes after the upgrade keep it in step (triggers on SQLite, the GIN index on PostgreSQL)
        run("UPDATE tasks SET title = 'Call Ada' WHERE title = 'Call Ünal'")
        run("DELETE FROM tasks WHERE title = '50% discount'")
        run("INSERT INTO tasks (owner_id, title, completed, priority, created_at, updated_at, version) "
            "VALUES (1, 'Ünal again', false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
        db.session.commit()
        assert search("ünal") == ["Ünal again"] and search("call a") == ["Call Ada"] and search("discount") == []
        if dialect == "sqlite":
            run("INSERT INTO tasks_search (tasks_search) VALUES ('integrity-check')")
        db.session.commit()

        downgrade(revision=BEFORE)
        assert search_objects() == set()
        assert not NEW_INDEXES & task_indexes()
        assert REPLACED <= task_indexes()
        assert run("SELECT title FROM tasks ORDER BY id").scalars().all() == ["Call Ada", "Straße", "Ünal again"]
        db.session.commit()
        upgrade()
        assert search_objects() == SEARCH_OBJECTS[dialect]
        assert search("ünal") == ["Ünal again"]
