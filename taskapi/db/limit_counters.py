"""Rate-limit counters in a SQLite file that every worker on the machine shares: a `limits` storage.

With ``memory://`` each gunicorn worker counts on its own, so N workers would give a client N times
each per-address budget. The default deployment has no Redis, so by default the counters live in a
small SQLite file (``instance/ratelimits.sqlite``): a hit is one atomic UPSERT, whichever worker
takes it. The class registers the ``taskapi+sqlite`` scheme with `limits` when this module is
imported (its documented way to add a storage); taskapi/http/rate_limits.py takes it like any storage
URI. Only the fixed-window strategy is supported, which is the one taskapi counts with.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "taskapi+sqlite"
BUSY_TIMEOUT_SECONDS = 5
PURGE_EVERY_SECONDS = 60

SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL
) WITHOUT ROWID"""
# In an UPDATE every expression reads the row as it was, so a window that has ended starts again.
HIT = """INSERT INTO counters (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires_at > :now THEN counters.count + excluded.count ELSE excluded.count END,
    expires_at = CASE WHEN counters.expires_at > :now THEN counters.expires_at ELSE excluded.expires_at END
RETURNING count"""


def counters_uri(path):
    """The storage URI of a counters file at ``path`` (made, with its folder, on first use)."""
    return f"{SCHEME}://{os.path.abspath(path)}"


class SqliteCounters(Storage):
    """Fixed-window counters in one SQLite file (WAL), one connection per thread of each process."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1]
        self._local = threading.local()
        self._purged_at = 0.0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        """This thread's connection; a forked worker opens its own instead of sharing its parent's."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # a power cut may forget a few hits; no fsync each
            connection.execute(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key, expiry, amount=1):
        """Add ``amount`` to ``key``'s window (a new one of ``expiry`` seconds if none is open); the count."""
        now = time.time()
        connection = self._connection()
        if now - self._purged_at > PURGE_EVERY_SECONDS:
            self._purged_at = now
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return connection.execute(HIT, {"key": key, "amount": amount, "now": now, "expiry": expiry}).fetchone()[0]

    def _open_window(self, key, now):
        """(count, expires_at) of ``key``'s window if it is still open at ``now``, else None."""
        return self._connection().execute("SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?",
                                          (key, now)).fetchone()

    def get(self, key):
        """The count in ``key``'s open window (0 when none is open)."""
        window = self._open_window(key, time.time())
        return window[0] if window else 0

    def get_expiry(self, key):
        """When ``key``'s open window ends (now when none is open), as a Unix time."""
        now = time.time()
        window = self._open_window(key, now)
        return window[1] if window else now

    def check(self):
        """True when the file answers."""
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self):
        """Forget every counter; how many there were."""
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key):
        """Forget ``key``'s counter."""
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
