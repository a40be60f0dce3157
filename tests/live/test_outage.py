"""While the database is down requests get 503 problem documents; the app recovers by itself.

There is no pool pre-ping: after a restart the pooled connections are dead, and the first request
to meet one is run once more on a fresh connection (taskapi/db/reconnect.py), so no client sees it.
"""

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD
from tests.live.forwarder import Forwarder


@pytest.fixture
def outage_app(database_url, make_app):
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("outage test runs against PostgreSQL (set TEST_DATABASE_URL); SQLite has no server to lose")
    forwarder = Forwarder((url.host or "127.0.0.1", url.port or 5432)).start()
    proxied = url.set(host="127.0.0.1", port=forwarder.port).render_as_string(hide_password=False)
    app = make_app(SQLALCHEMY_DATABASE_URI=proxied,
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    yield app, forwarder
    try:
        forwarder.stop()
    except OSError:
        pass


def assert_503(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)


def test_database_outage_is_503_and_recovers(outage_app):
    app, forwarder = outage_app
    client = app.test_client()
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    token = client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/tasks", headers=headers).status_code == 200

    forwarder.stop()
    assert_503(client.get("/readyz"))
    assert_503(client.get("/tasks", headers=headers))
    assert_503(client.post("/auth/register", json={"username": "bob", "password": PASSWORD}))
    assert client.get("/healthz").status_code == 200  # the process is still up

    forwarder.start()
    assert client.get("/readyz").status_code == 200
    assert client.get("/tasks", headers=headers).status_code == 200
    assert client.post("/tasks", json={"title": "after the outage"}, headers=headers).status_code == 201


def sign_up(client, username="ada"):
    assert client.post("/auth/register", json={"username": username, "password": PASSWORD}).status_code == 201
    token = client.post("/auth/login", json={"username": username, "password": PASSWORD}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def restart(app, forwarder, pooled=3):
    """Hold ``pooled`` connections in the pool, then cut them all and accept new ones again."""
    from taskapi.extensions import db

    with app.app_context():
        connections = [db.engine.connect() for _ in range(pooled)]
        for connection in connections:
            connection.exec_driver_sql("SELECT 1")
        for connection in connections:
            connection.close()
        assert db.engine.pool.checkedin() >= pooled
    forwarder.stop()
    forwarder.start()


def test_restart_answers_no_error(outage_app):
    """Each kind of request, first after a restart with dead pooled connections, still succeeds."""
    app, forwarder = outage_app
    client = app.test_client()
    headers = sign_up(client)
    created = client.post("/tasks", json={"title": "before"}, headers=headers)
    assert created.status_code == 201
    path = f"/tasks/{created.get_json()['id']}"

    restart(app, forwarder)
    assert client.get("/tasks", headers=headers).status_code == 200
    restart(app, forwarder)
    response = client.post("/tasks", json={"title": "after a restart"}, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    restart(app, forwarder)
    assert client.patch(path, json={"completed": True}, headers=headers).status_code == 200
    restart(app, forwarder)
    assert client.get("/readyz").status_code == 200
    restart(app, forwarder)
    assert client.post("/auth/register", json={"username": "bob", "password": PASSWORD}).status_code == 201

    titles = sorted(task["title"] for task in client.get("/tasks", headers=headers).get_json())
    assert titles == ["after a restart", "before"]  # the retried create stored one task, not two


def test_terminated_backends_answer_no_error(database_url, make_app):
    """What a restart does to idle connections (57P01, admin shutdown), done with pg_terminate_backend."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from taskapi.extensions import db

    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL)")
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})  # straight to the server
    client = app.test_client()
    headers = sign_up(client)
    with app.app_context():
        connections = [db.engine.connect() for _ in range(3)]
        pids = [connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() for connection in connections]
        for connection in connections:
            connection.close()  # back to the pool, alive for now
    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)  # outside the app's pool
    with killer.begin() as connection:
        for pid in pids:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()
    for _ in range(3):
        assert client.post("/tasks", json={"title": "after"}, headers=headers).status_code == 201
        assert client.get("/tasks", headers=headers).status_code == 200
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() not in pids


def test_a_committed_request_is_not_run_again(outage_app):
    """A connection lost after the request's COMMIT began is answered 503, never replayed."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from taskapi.extensions import db

    app, forwarder = outage_app
    client = app.test_client()
    headers = sign_up(client)
    calls = []

    def cut_at_commit(connection):
        calls.append(1)
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"), connection_invalidated=True)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", cut_at_commit)
    try:
        assert_503(client.post("/tasks", json={"title": "once"}, headers=headers))
    finally:
        event.remove(engine, "commit", cut_at_commit)
    assert len(calls) == 1


def test_unreachable_sqlite_file_is_503_on_readyz(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/x.sqlite")
    assert_503(app.test_client().get("/readyz"))


def test_readyz_checks_redis_when_configured(make_app):
    assert make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/readyz").status_code == 503
