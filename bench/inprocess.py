"""An in-process taskapi (Flask's test client on a scratch SQLite file) with one user and 50 tasks."""

import logging
import tempfile
from contextlib import contextmanager

from config import TestConfig
from taskapi import create_app

PASSWORD = "tulip harbor quiet lantern"
# As `make run` serves: JSON access log at INFO, the rate limiter on (memory storage in-process).
PROD_LIKE = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "RATELIMIT_ENABLED": True, "TESTING": False}


@contextmanager
def seeded_client(**settings):
    """(test client, that user's Authorization headers); the database is removed afterwards.

    ``settings`` override TestConfig (e.g. ``**PROD_LIKE``).
    """
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.sqlite", "LOG_LEVEL": "WARNING",
                     **settings}
        app = create_app(type("Bench", (TestConfig,), overrides))
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        with app.app_context():
            upgrade()
        # Alembic's logging setup adds a root handler that a serving worker never has (it never migrates).
        root.handlers[:], root.level = handlers, level
        client = app.test_client()
        client.post("/auth/register", json={"username": "measured", "password": PASSWORD})
        token = client.post("/auth/login", json={"username": "measured", "password": PASSWORD}).get_json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for number in range(50):
            client.post("/tasks", json={"title": f"task {number}", "description": "some words"}, headers=headers)
        yield client, headers
