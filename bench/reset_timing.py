"""No enumeration through timing: medians of password-reset requests for a known and an unknown email.

Run: ``python -m bench.reset_timing``. In-process (Flask test client, SQLite, mail to the outbox
in a scratch folder), interleaved so drift affects both sides alike. Prints both medians and
their ratio; asserts nothing. The mail itself goes out on a background thread, so the
difference left is the token row written for the known address.
"""

import tempfile
import time

from bench.timing import compare
from config import TestConfig
from taskapi import create_app

TRIES = 200


def request_reset(client, email):
    assert client.post("/auth/password-reset/request", json={"email": email}).status_code == 202


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
        request_reset(client, "nobody@example.com")
        compare(("known email", lambda: request_reset(client, "known@example.com")),
                ("unknown email", lambda: request_reset(client, "nobody@example.com")), TRIES)
        time.sleep(1)  # let the last background mails land before the folder goes


if __name__ == "__main__":
    main()
