"""Engine options and per-connection SQLite tuning."""

import os
import sqlite3

from sqlalchemy.engine import Engine, make_url

from taskapi.db.events import listen_once


def configure_database(app):
    """Default to SQLite under instance/, with a busy timeout so workers wait, not fail."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "taskapi.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"],
                                   **options.get("connect_args", {})}
    if url.get_backend_name() != "sqlite" or sqlite_file_path(url.database):  # memory: one static connection
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_recycle", app.config["DB_POOL_RECYCLE"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def sqlite_file_path(database):
    """``database`` (a SQLite URL's path) when it names a file, else None (memory, or a ``file:`` URI)."""
    if database and database != ":memory:" and not database.startswith("file:"):
        return database
    return None


def tune_sqlite_connection(dbapi_connection, connection_record):
    """Foreign keys on (for ON DELETE CASCADE), WAL so readers never block the writer."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Unicode-aware case folding for search (SQLite's lower() folds ASCII only).
        dbapi_connection.create_function("casefold", 1, casefold, deterministic=True)


def casefold(text):
    """str.casefold for SQLite; NULL stays NULL."""
    return text.casefold() if isinstance(text, str) else text


def install_sqlite_tuning():
    """Tune every new SQLite connection (idempotent: apps built later share the listener)."""
    listen_once(Engine, [("connect", tune_sqlite_connection)])


def escape_like(text):
    """``text`` with LIKE wildcards escaped, so ``%`` and ``_`` match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
