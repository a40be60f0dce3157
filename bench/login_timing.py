"""Timing-equal login: medians of 50 wrong-password and 50 unknown-user logins at bcrypt cost 12.

Run: ``python -m bench.login_timing``. In-process (Flask test client, SQLite), interleaved so
drift affects both sides alike. Prints both medians and their ratio; asserts nothing.
"""

import statistics
import tempfile
import time

from config import TestConfig
from taskapi import create_app

TRIES = 50
PASSWORD = "the right passphrase for timing"


def timed(client, username):
    started = time.perf_counter()
    status = client.post("/auth/login", json={"username": username, "password": "a wrong guess!"}).status_code
    assert status == 401
    return time.perf_counter() - started


def main():
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        settings = type("Bench", (TestConfig,), {"BCRYPT_LOG_ROUNDS": 12,
                                                 "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/t.sqlite"})
        app = create_app(settings)
        with app.app_context():
            upgrade()
        client = app.test_client()
        client.post("/auth/register", json={"username": "known", "password": PASSWORD})
        timed(client, "nobody")  # warm the dummy hash and caches
        wrong, unknown = [], []
        for _ in range(TRIES):
            wrong.append(timed(client, "known"))
            unknown.append(timed(client, "nobody"))
    wrong_ms, unknown_ms = statistics.median(wrong) * 1000, statistics.median(unknown) * 1000
    print(f"wrong password: median {wrong_ms:.1f} ms over {TRIES}")
    print(f"unknown user:   median {unknown_ms:.1f} ms over {TRIES}")
    print(f"ratio unknown/wrong: {unknown_ms / wrong_ms:.3f} (target: within 0.90-1.10)")


if __name__ == "__main__":
    main()
