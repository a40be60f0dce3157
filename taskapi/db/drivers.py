"""huey without the Redis and PostgreSQL drivers it imports in case they are wanted (about 16 MB a worker).

``huey.storage`` imports ``redis`` and ``psycopg`` when it is first imported, each inside ``try:
... except ImportError``. taskapi never uses huey's PostgreSQL storage, and a queue on SQLite (the
default) needs no Redis. Importing this module (``taskapi/__init__.py`` does, before anything imports
huey) imports huey while those names are ``None`` in ``sys.modules``, the import system's documented
way to make an import raise ImportError, then removes the entries: a later ``import psycopg``
(SQLAlchemy's PostgreSQL dialect) or ``import redis`` loads the real driver. ``redis`` is held back
only when ``REDIS_URL`` is not in the environment (config.py reads it from there) and the process has
not loaded it already: huey's Redis storage keeps what it found at import. A process that builds
apps with a Redis queue from another source imports ``redis`` first (as tests/conftest.py does).
``tests/test_process_state.py`` keeps both drivers out of a SQLite app.
"""

import os
import sqlite3
import sys


def drivers_to_hold_back():
    """The optional drivers huey should not import in this process."""
    optional = ["psycopg"] + ([] if os.environ.get("REDIS_URL") else ["redis"])
    return [name for name in optional if name not in sys.modules]


def import_huey():
    """Import huey (once per process) without the optional drivers it does not need here."""
    if "huey.storage" in sys.modules:
        return
    held_back = drivers_to_hold_back()
    for name in held_back:
        sys.modules[name] = None
    try:
        import huey  # noqa: F401 (huey.api imports huey.storage)
    finally:
        for name in held_back:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def require_huey_redis():
    """Fail clearly, rather than with huey's "pip install redis", when huey was imported without redis."""
    import huey.storage

    if huey.storage.Redis is None:
        raise RuntimeError("REDIS_URL is configured, but huey was imported without the Redis driver: set REDIS_URL "
                           "in the environment, or import redis before taskapi (taskapi/db/drivers.py)")


def storage_errors(storage):
    """The exceptions a queue on ``storage`` ("sqlite" or "redis") raises when it cannot be reached."""
    if storage == "redis":
        from redis import RedisError

        return sqlite3.Error, RedisError, OSError
    return sqlite3.Error, OSError


import_huey()
