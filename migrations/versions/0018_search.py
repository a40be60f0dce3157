"""search: trigram indexes for GET /tasks?q=, and indexes that count the filters

Revision ID: 0018_search
Revises: 0017_detached_deliveries
Create Date: 2026-12-06 14:50:00

A search (q=, a case-insensitive substring of title or description) read and case-folded every
row the caller may see. Each database now keeps a trigram index, in step with every write:

- SQLite: an FTS5 table with the ``trigram`` tokenizer over the case-folded title and description.
  Its external content is the view ``tasks_search_source`` (each task's text through taskapi's
  Unicode ``casefold()``, which every taskapi connection registers), so FTS5's own ``rebuild`` and
  ``integrity-check`` read what the index holds. Triggers on tasks keep it in step; they call
  ``casefold()`` too, so a task written by a tool without that function fails loudly instead of
  leaving the index behind. A later migration that rebuilds the tasks table (a batch) drops these
  triggers with it and must create them again.
- PostgreSQL: ``pg_trgm`` GIN indexes on title and description, which ILIKE uses directly. The
  extension stays on downgrade: other objects may come to rely on it, and it costs nothing idle.

The filter and sort indexes serve the listing's disjoint parts (taskapi.projects.access.visible_task_parts):
partial indexes over personal tasks (project_id IS NULL, owner_id first) and project_id-first ones, so a
filtered X-Total-Count is counted from one index range per part and a first page is read in order.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_search'
down_revision = '0017_detached_deliveries'
branch_labels = None
depends_on = None

# Due-date orders sort by coalesce(due_date, LATEST or EARLIEST) (taskapi.tasks.listing): the same
# expression, constant written out, is what an index must hold for the database to read it in order.
DUE_LATEST = sa.text("coalesce(due_date, '9999-12-31')")
DUE_EARLIEST = sa.text("coalesce(due_date, '0001-01-01')")
PERSONAL = sa.text('project_id IS NULL')
IN_PROJECT = sa.text('project_id IS NOT NULL')
# Personal tasks (owner_id = ? AND project_id IS NULL) through partial indexes: PostgreSQL takes
# IS NULL for a range, not a constant, so it cannot read (owner_id, project_id, created_at) in order.
PERSONAL_INDEXES = {
    'ix_tasks_personal_created': ['owner_id', 'created_at', 'id'],
    'ix_tasks_personal_title': ['owner_id', 'title', 'id'],
    'ix_tasks_personal_priority': ['owner_id', 'priority', 'id'],
    'ix_tasks_personal_due': ['owner_id', DUE_LATEST, 'id'],
    'ix_tasks_personal_due_desc': ['owner_id', DUE_EARLIEST, 'id'],
    'ix_tasks_personal_completed': ['owner_id', 'completed', 'created_at', 'id'],
    'ix_tasks_personal_priority_due': ['owner_id', 'priority', DUE_LATEST, 'id'],
}
# Project tasks through partial indexes too: a planner that sees few owners and many projects in its
# statistics otherwise reads a personal part (project_id IS NULL) through a project_id index.
PROJECT_INDEXES = {
    'ix_tasks_project_created': ['project_id', 'created_at', 'id'],
    'ix_tasks_project_title': ['project_id', 'title', 'id'],
    'ix_tasks_project_priority': ['project_id', 'priority', 'id'],
    'ix_tasks_project_due': ['project_id', DUE_LATEST, 'id'],
    'ix_tasks_project_due_desc': ['project_id', DUE_EARLIEST, 'id'],
    'ix_tasks_project_completed': ['project_id', 'completed', 'created_at', 'id'],
    'ix_tasks_project_priority_due': ['project_id', 'priority', DUE_LATEST, 'id'],
}
# What the partial indexes replace (ix_tasks_owner_created stays: deleting a user reads it).
REPLACED = {
    'ix_tasks_project_created': ['project_id', 'created_at', 'id'],
    'ix_tasks_owner_priority': ['owner_id', 'priority', 'id'],
    'ix_tasks_owner_title': ['owner_id', 'title', 'id'],
    'ix_tasks_owner_due': ['owner_id', 'due_date', 'id'],
}

SQLITE_UP = [
    "CREATE VIEW tasks_search_source AS SELECT id, casefold(title) AS title, casefold(description) AS description "
    "FROM tasks",
    "CREATE VIRTUAL TABLE tasks_search USING fts5(title, description, content='tasks_search_source', "
    "content_rowid='id', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN "
    "INSERT INTO tasks_search (rowid, title, description) "
    "VALUES (new.id, casefold(new.title), casefold(new.description)); END",
    "CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN "
    "INSERT INTO tasks_search (tasks_search, rowid, title, description) "
    "VALUES ('delete', old.id, casefold(old.title), casefold(old.description)); END",
    "CREATE TRIGGER tasks_search_update AFTER UPDATE OF title, description ON tasks BEGIN "
    "INSERT INTO tasks_search (tasks_search, rowid, title, description) "
    "VALUES ('delete', old.id, casefold(old.title), casefold(old.description)); "
    "INSERT INTO tasks_search (rowid, title, description) "
    "VALUES (new.id, casefold(new.title), casefold(new.description)); END",
    "INSERT INTO tasks_search (tasks_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER tasks_search_update",
    "DROP TRIGGER tasks_search_delete",
    "DROP TRIGGER tasks_search_insert",
    "DROP TABLE tasks_search",
    "DROP VIEW tasks_search_source",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_tasks_title_trgm ON tasks USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_tasks_description_trgm ON tasks USING gin (description gin_trgm_ops)",
]
POSTGRES_DOWN = [
    "DROP INDEX ix_tasks_description_trgm",
    "DROP INDEX ix_tasks_title_trgm",
]


def upgrade():
    for name in REPLACED:
        op.drop_index(name, table_name='tasks')
    for name, columns in PERSONAL_INDEXES.items():
        op.create_index(name, 'tasks', columns, sqlite_where=PERSONAL, postgresql_where=PERSONAL)
    for name, columns in PROJECT_INDEXES.items():
        op.create_index(name, 'tasks', columns, sqlite_where=IN_PROJECT, postgresql_where=IN_PROJECT)
    for statement in SQLITE_UP if op.get_bind().dialect.name == 'sqlite' else POSTGRES_UP:
        op.execute(statement)


def downgrade():
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == 'sqlite' else POSTGRES_DOWN:
        op.execute(statement)
    for name in [*reversed(PROJECT_INDEXES), *reversed(PERSONAL_INDEXES)]:
        op.drop_index(name, table_name='tasks')
    for name, columns in REPLACED.items():
        op.create_index(name, 'tasks', columns)
