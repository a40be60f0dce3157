"""Timing-equal login: medians of 50 wrong-password and 50 unknown-user logins at bcrypt cost 12.

Run: ``python -m bench.login_timing``. In-process (Flask test client, SQLite), interleaved so
drift affects both sides alike. Prints both medians and their ratio; asserts nothing.
"""

import tempfile

from bench.timing import compare
from config import TestConfig
from taskapi import create_app

TRIES = 50
PASSWORD = "the right passphrase for timing"


def fail_login(client, username):
    status = client.post("/auth/login", json={"username": username, "password": "a wrong guess!"}).status_code
    assert status == 401


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
        fail_login(client, "nobody")  # warm the dummy hash and caches
        compare(("wrong password", lambda: fail_login(client, "known")),
                ("unknown user", lambda: fail_login(client, "nobody")), TRIES)
        print("target: ratio within 0.90-1.10")


if __name__ == "__main__":
    main()
