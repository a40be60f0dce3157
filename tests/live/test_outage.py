"""While the database is down requests get 503 problem documents; the app recovers by itself."""

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
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}})
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


def test_unreachable_sqlite_file_is_503_on_readyz(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/x.sqlite")
    assert_503(app.test_client().get("/readyz"))


def test_readyz_checks_redis_when_configured(make_app):
    assert make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client().get("/readyz").status_code == 503
