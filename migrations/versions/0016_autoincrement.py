"""autoincrement: no id is ever handed out twice, on SQLite too

Revision ID: 0016_autoincrement
Revises: 0015_webhooks
Create Date: 2026-12-06 10:40:00

SQLite gives a new row the largest id in use plus one, so the id of the newest deleted row (a
user, a task) went to the next insert, and deferred work or a stale ETag could then reach a
different row. AUTOINCREMENT keeps the highest id ever used in sqlite_sequence instead.

Each table with an integer primary key is rebuilt the way SQLite documents for schema changes
(new table, copy, drop, rename, indexes again), from its own stored CREATE statement with only
the primary key clause changed: every constraint stays exactly as it was, so the downgrade gives
back the same schema and the older migrations' downgrades still apply. migrations/env.py turns
foreign keys off around migrations, so dropping a parent deletes no child row. PostgreSQL
sequences never hand out a number twice: nothing to do there.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0016_autoincrement'
down_revision = '0015_webhooks'
branch_labels = None
depends_on = None

TABLES = ('users', 'tasks', 'account_tokens', 'recovery_codes', 'reminder_digests', 'security_events', 'passkeys')
PLAIN_ID = re.compile(r'^(\s*)id INTEGER NOT NULL,', re.MULTILINE)
AUTOINCREMENT_ID = re.compile(r'^(\s*)id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,', re.MULTILINE)
KEY_CLAUSE = re.compile(r',\s*PRIMARY KEY \(id\)(?=\s*[,)])')
LAST_COLUMN = re.compile(r'(\n\s*)\)\s*$')


def stored_sql(kind, table):
    """{name: CREATE statement} of the ``kind`` objects of ``table`` that SQLite keeps as SQL."""
    rows = op.get_bind().execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = :kind "
                                         "AND tbl_name = :table AND sql IS NOT NULL"),
                                 {"kind": kind, "table": table})
    return dict(rows.all())


def with_autoincrement(sql):
    """The CREATE TABLE ``sql`` with ``id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`` (None: nothing to do)."""
    if AUTOINCREMENT_ID.search(sql):
        return None
    changed, found = KEY_CLAUSE.subn('', PLAIN_ID.sub(r'\1id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,', sql))
    if found != 1 or not AUTOINCREMENT_ID.search(changed):
        raise RuntimeError(f'unexpected primary key in {sql!r}')
    return changed


def without_autoincrement(sql):
    """The CREATE TABLE ``sql`` back to ``id INTEGER NOT NULL`` with ``PRIMARY KEY (id)`` (None: nothing to do)."""
    if not AUTOINCREMENT_ID.search(sql):
        return None
    changed = AUTOINCREMENT_ID.sub(r'\1id INTEGER NOT NULL,', sql)
    return LAST_COLUMN.sub(r', \1PRIMARY KEY (id)\1)', changed, count=1)


def rebuild(table, change):
    """Rebuild ``table`` from its stored CREATE statement passed through ``change``, keeping rows and indexes."""
    create = stored_sql('table', table)[table]
    changed = change(create)
    if changed is None:
        return
    indexes = stored_sql('index', table)
    name = f'_0011_{table}'
    op.execute(re.sub(r'^CREATE TABLE "?\w+"?', f'CREATE TABLE {name}', changed, count=1))
    op.execute(f'INSERT INTO {name} SELECT * FROM {table}')
    op.execute(f'DROP TABLE {table}')
    op.execute(f'ALTER TABLE {name} RENAME TO {table}')
    for sql in indexes.values():
        op.execute(sql)


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for table in TABLES:
            rebuild(table, with_autoincrement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for table in TABLES:
            rebuild(table, without_autoincrement)
