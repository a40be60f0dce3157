"""No enumeration through timing: medians of password-reset requests for a known and an unknown email.

Run: ``python -m bench.reset_timing``. In-process (Flask test client, SQLite, mail to the outbox
in a scratch folder), interleaved so drift affects both sides alike. Prints both medians and
their ratio; asserts nothing. The mail itself goes out on a background thread, so the
difference left is the token row written for the known address.
"""

import statistics
import tempfile
import time

from config import TestConfig
from taskapi import create_app

TRIES = 200


def timed(client, email):
    started = time.perf_counter()
    assert client.post("/auth/password-reset/request", json={"email": email}).status_code == 202
    return time.perf_counter() - started


def main():
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        settings = type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/t.sqlite",
                                                 "MAIL_OUTBOX_DIR": f"{scratch}/outbox"})
        app = create_app(settings)
        with app.app_context():
            upgrade()
        client = app.test_client()
        client.post("/auth/register", json={"username": "known", "email": "known@example.com",
                                            "password": "the right passphrase for timing"})
        timed(client, "nobody@example.com")
        known, unknown = [], []
        for _ in range(TRIES):
            known.append(timed(client, "known@example.com"))
            unknown.append(timed(client, "nobody@example.com"))
        time.sleep(1)  # let the last background mails land before the folder goes
    known_ms, unknown_ms = statistics.median(known) * 1000, statistics.median(unknown) * 1000
    print(f"known email:   median {known_ms:.2f} ms over {TRIES}")
    print(f"unknown email: median {unknown_ms:.2f} ms over {TRIES}")
    print(f"ratio unknown/known: {unknown_ms / known_ms:.3f}")


if __name__ == "__main__":
    main()
