"""Fixtures: a migrated database per session (SQLite, or PostgreSQL via TEST_DATABASE_URL), apps, clients, users."""

import functools
import json
import os
import signal
import socket
import threading
import uuid

import pytest
import redis  # noqa: F401 (before taskapi: apps with a Redis queue follow SQLite ones here; taskapi/db/drivers.py)
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestConfig
from taskapi import create_app
from taskapi.extensions import db
from taskapi.http.shallow_json import nesting_depth
from taskapi.jobs import current_jobs
from taskapi.jobs.worker import make_consumer, start_heartbeat
from tests.contract import STATE as CONTRACT
from tests.contract import ContractClient
from tests.row_snapshots import Remembered
from tests.shared_app import SharedApp

PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD = "admin passphrase of good length"
ADA_EMAIL = "ada@example.com"
REDIS_JOBS_URL = "redis://127.0.0.1:6379/0"


def redis_answers():
    """True when a Redis server listens on 127.0.0.1:6379."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


def jobs_settings(tmp_path):
    """A queue of the test's own: SQLite in ``tmp_path``; Redis in the PostgreSQL pass when Redis answers.

    The name is unique per test, so parallel runs and earlier tests never share a queue.
    """
    name = f"taskapi_test_{uuid.uuid4().hex[:12]}"
    if os.environ.get("TEST_DATABASE_URL") and redis_answers():
        return {"REDIS_URL": REDIS_JOBS_URL, "JOBS_NAME": name}
    return {"JOBS_SQLITE_PATH": str(tmp_path / f"{name}.sqlite"), "JOBS_NAME": name}


def create_postgres_database(base_url):
    """A fresh database named after this run on the server of ``base_url``; returns its URL."""
    import psycopg

    url = make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"taskapi_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name)


def drop_postgres_database(url):
    """Drop the run's database, closing any connection left open."""
    import psycopg

    admin_url = url.set(drivername="postgresql", database=os.environ.get("PGDATABASE", "postgres"))
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL of this session's database, migrated to head."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = create_postgres_database(base)
        rendered = url.render_as_string(hide_password=False)
    else:
        url, rendered = None, f"sqlite:///{tmp_path_factory.mktemp('db') / 'taskapi.sqlite'}"
    app = create_app(type("MigrateConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": rendered}))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield rendered
    if url is not None:
        drop_postgres_database(url)


def pytest_configure(config):
    config.addinivalue_line("markers", "contract_exempt(reason): responses are not checked against /openapi.json")
    config.addinivalue_line("markers", "own_app(reason): the test adds routes or hooks, so its app is a new one")


@pytest.fixture(autouse=True)
def contract_checks(request):
    """Check every response against /openapi.json (tests/contract.py) unless the test is marked contract_exempt."""
    CONTRACT.enabled = request.node.get_closest_marker("contract_exempt") is None
    yield CONTRACT
    CONTRACT.enabled = True


@pytest.fixture
def queue_settings(tmp_path):
    """This test's job queue settings (also usable as environment variables of live processes)."""
    return jobs_settings(tmp_path)


def build_app(settings):
    """An app of TestConfig with ``settings``, its test client checking every response against /openapi.json."""
    app = create_app(type("TestSettings", (TestConfig,), settings))
    app.test_client_class = ContractClient
    return app


@pytest.fixture
def make_app(request, database_url, tmp_path):
    """New apps on the session database and the test's queue, with config overrides; tables are emptied afterwards."""
    apps = []

    def factory(**overrides):
        # Asked for here, not as a parameter: only a test that names queue_settings wants its app's queue.
        queue = request.getfixturevalue("queue_settings")
        app = build_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), **queue,
                         **overrides})
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()
            if app.config.get("REDIS_URL") == REDIS_JOBS_URL:  # this test's Redis queue: leave nothing behind
                current_jobs().huey.storage.flush_all()
    if apps:
        empty_tables(database_url)


@functools.cache
def cleanup_engine(database_url):
    """One engine per worker for emptying tables: building a whole app for it cost each test ~0.1 s."""
    return create_engine(database_url)


def empty_tables(database_url):
    """Delete every row, children first, and restart the ids, so the next test starts from nothing.

    DELETE, not TRUNCATE, on PostgreSQL too: the tables hold a handful of rows, and TRUNCATE's new
    files for some forty tables made the teardown the slowest part of most tests.
    """
    engine = cleanup_engine(database_url)
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            # Every sequence back to 1, as TRUNCATE ... RESTART IDENTITY did.
            connection.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
        else:
            connection.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture(scope="session")
def shared_apps(database_url, tmp_path_factory):
    """The worker's shared apps (tests/shared_app.py) by config overrides, each with its own queue and outbox."""
    holders = {}

    def holder(overrides):
        key = repr(sorted(overrides.items()))
        if key not in holders:
            folder = tmp_path_factory.mktemp("shared-app")
            settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX_DIR": str(folder / "outbox"),
                        **jobs_settings(folder), **overrides}
            holders[key] = SharedApp(functools.partial(build_app, settings), folder / "outbox")
        return holders[key]

    yield holder
    for shared in holders.values():
        shared.close()


# A test that asks for these wants the app's queue to be its own (a consumer, a live process on it).
OWN_QUEUE_FIXTURES = {"queue_settings", "jobs_consumer"}


@pytest.fixture
def reused_app(request, database_url, shared_apps):
    """``reused_app(**overrides)``: the app under test with these config overrides, shared or new.

    The worker's shared app for these overrides (reset after the test, tables emptied), unless the
    test uses the queue or is marked own_app: then a new app from ``make_app``.
    """
    used = []

    def get(**overrides):
        if OWN_QUEUE_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("own_app"):
            return request.getfixturevalue("make_app")(**overrides)
        used.append(shared_apps(overrides))
        return used[-1].get()

    yield get
    for shared in used:
        shared.release(request.node.nodeid)
    if used:
        empty_tables(database_url)


@pytest.fixture
def app(reused_app):
    """The app under test (the worker's shared one unless the test needs its own: ``reused_app``)."""
    return reused_app()


@pytest.fixture(scope="session")
def remembered_worlds(database_url):
    """The worker's worlds built once and put back row for row (tests/row_snapshots.py)."""
    return Remembered(cleanup_engine(database_url))


@pytest.fixture
def remember(request, app, remembered_worlds):
    """``remember(build)``: ``build()`` once per worker and module, its rows put back for each later test."""
    return lambda build: remembered_worlds.get((request.module.__name__, build.__name__), build)


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runner for ``flask`` CLI commands."""
    return app.test_cli_runner()


class AuthActions:
    """Register, log in and build headers through HTTP, like a client would."""

    def __init__(self, client, runner):
        self._client = client
        self._runner = runner

    def register(self, username="ada", password=PASSWORD, **extra):
        return self._client.post("/auth/register", json={"username": username, "password": password, **extra})

    def login(self, username="ada", password=PASSWORD, **extra):
        return self._client.post("/auth/login", json={"username": username, "password": password, **extra})

    def token(self, username="ada", password=PASSWORD):
        response = self.login(username, password)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["access_token"]

    def headers(self, username="ada", password=PASSWORD, register=True):
        """Bearer headers for a user, registering it first if asked."""
        if register:
            assert self.register(username, password).status_code == 201
        return {"Authorization": f"Bearer {self.token(username, password)}"}

    def create_admin(self, username="root", password=ADMIN_PASSWORD):
        result = self._runner.invoke(args=["users", "create-admin", username], input=password + "\n")
        assert result.exit_code == 0, result.output
        return {"Authorization": f"Bearer {self.token(username, password)}"}


@pytest.fixture
def auth(client, runner):
    """HTTP helpers for accounts and tokens."""
    return AuthActions(client, runner)


@pytest.fixture
def user_headers(auth):
    """Bearer headers of an ordinary user, ada."""
    return auth.headers("ada")


@pytest.fixture
def admin_headers(auth):
    """Bearer headers of an admin made through the CLI."""
    return auth.create_admin("root")


@pytest.fixture
def create_task(client):
    """POST a task as the given headers and return its JSON."""

    def create(headers, title="Write tests", **fields):
        response = client.post("/tasks", json={"title": title, **fields}, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def decoded_depths(monkeypatch):
    """The nesting depth of every document the standard JSON decoder is given during the test, by anyone.

    json.loads, ours or a library's (PyJWT, py_webauthn), ends in JSONDecoder.raw_decode.
    """
    depths = []
    raw_decode = json.JSONDecoder.raw_decode

    def watched(decoder, text, *args, **kwargs):
        depths.append(nesting_depth(text))
        return raw_decode(decoder, text, *args, **kwargs)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", watched)
    return depths


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; its ``inbox`` holds the parsed messages."""
    from tests.smtp import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture
def jobs_consumer():
    """``start(app)``: a real Huey consumer (threads of this process) on the app's queue, until the test ends.

    One worker thread by default: jobs run in the order they were queued, so a test that reads the
    n-th mail reads the mail of the n-th job (with two, two pending mail jobs raced). A test of
    concurrent jobs asks for ``workers``.
    """
    running = []

    def start(app, workers=1):
        heartbeat = start_heartbeat(app)
        consumer = make_consumer(app, workers)
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        consumer.start()
        for number, handler in handlers.items():  # the consumer's own are for a process it owns
            signal.signal(number, handler)
        running.append((consumer, heartbeat))
        return consumer

    yield start
    for consumer, heartbeat in running:
        consumer.stop(graceful=True)
        heartbeat.stop()


@pytest.fixture
def mail_app(make_app, smtp_server, jobs_consumer):
    """An app that sends its mail to ``smtp_server``, with a consumer running its jobs."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    jobs_consumer(app)
    return app


@pytest.fixture
def ada_with_email(auth, smtp_server):
    """ada, registered with ADA_EMAIL (her verification mail already delivered); her token pair."""
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    smtp_server.inbox.wait_for(1)
    return auth.login("ada").get_json()


def all_at_once(count, action, timeout=60):
    """Run ``action(index)`` in ``count`` threads released together; returns the results in order.

    An exception in any thread is raised here; a thread still running after ``timeout`` seconds
    fails the test instead of hanging it.
    """
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        barrier.wait()
        try:
            results[index] = action(index)
        except BaseException as error:  # noqa: BLE001  (handed to the test's thread below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), f"a thread of {action} is stuck"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def scratch_app(tmp_path):
    """An app on an empty database of its own, for migration tests (tests/scratch.py)."""
    from tests.scratch import scratch_app as scratch

    with scratch(tmp_path) as app:
        yield app
