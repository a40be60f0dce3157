"""Fixture data built through HTTP once per worker, then put back row for row before each later test.

The matrix modules run hundreds of tests on the same world (users, an admin, a task, a passkey, a
project...), and building it through HTTP was most of each test's time. ``remembered`` builds it
once, copies every table's rows and the id sequences, and for each later test inserts those rows
again into the emptied tables: the database is then what the builder left, ids and counters
included, and the tokens it returned are as valid as they were. A snapshot older than MAX_AGE is
built again, so no test gets a token near its expiry. The job queue and the outbox are not in
it: a test that reads them must build its world itself.
"""

import copy
import time

from sqlalchemy import text

from taskapi.extensions import db

MAX_AGE_SECONDS = 300  # far below the 30 minutes of an access token


def copy_rows(engine):
    """Every table's rows, and the state of every id sequence."""
    with engine.connect() as connection:
        rows = {table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
                for table in db.metadata.sorted_tables}
        if engine.dialect.name == "postgresql":
            names = connection.scalars(text("SELECT relname FROM pg_class WHERE relkind = 'S'")).all()
            sequences = [(name, *connection.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one())
                         for name in names]
        else:
            sequences = [tuple(row) for row in connection.execute(text("SELECT name, seq FROM sqlite_sequence"))]
    return rows, sequences


def put_back(engine, snapshot):
    """Insert the rows of ``snapshot`` into the emptied tables, parents first, and set the sequences as they were."""
    rows, sequences = snapshot
    with engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(table.insert(), rows[table.name])
        if engine.dialect.name == "postgresql":
            for name, last_value, is_called in sequences:  # names read from pg_class, not from a test
                connection.execute(text(f"SELECT setval('\"{name}\"', {int(last_value)}, {bool(is_called)})"))
        else:
            connection.execute(text("DELETE FROM sqlite_sequence"))
            for name, seq in sequences:
                connection.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                                   {"name": name, "seq": seq})


class Remembered:
    """Worlds by key: what the builder returned, the rows it left, and when."""

    def __init__(self, engine):
        self.engine = engine
        self.worlds = {}

    def get(self, key, build):
        """``build()``'s result: built and copied on first use (or when stale), else its rows put back.

        Only into an empty database: when the test has written rows before, the world is built anew.
        """
        kept = self.worlds.get(key)
        if not self.empty():
            return build()
        if kept is None or time.monotonic() - kept[2] > MAX_AGE_SECONDS:
            world = build()
            self.worlds[key] = (copy.deepcopy(world), copy_rows(self.engine), time.monotonic())
            return world
        put_back(self.engine, kept[1])
        return copy.deepcopy(kept[0])

    def empty(self):
        """True when no table holds a row."""
        with self.engine.connect() as connection:
            return not any(connection.execute(table.select().limit(1)).first()
                           for table in db.metadata.sorted_tables)
