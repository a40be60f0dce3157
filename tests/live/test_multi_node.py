"""Two taskapi nodes (separate gunicorn instances) on one PostgreSQL and one Redis behave as one service."""

import uuid

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD
from tests.live import gunicorn_server
from tests.live.test_shared_limits_live import REDIS_URL, redis_answers

pytestmark = pytest.mark.live


@pytest.fixture
def two_nodes(database_url, make_app):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("multi-node test needs PostgreSQL (set TEST_DATABASE_URL)")
    if not redis_answers():
        pytest.skip("multi-node test needs Redis on 127.0.0.1:6379")
    make_app()  # empties the tables afterwards
    prefix = f"taskapi-test-{uuid.uuid4().hex}"
    env = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_ACCOUNT_FAILURES": "5/minute",
           "RATELIMIT_LOGIN_PER_IP": "1000/minute", "RATELIMIT_REGISTER_PER_IP": "1000/minute"}
    with gunicorn_server(database_url, workers=1, env=env) as node_a, \
            gunicorn_server(database_url, workers=1, env=env) as node_b:
        yield node_a, node_b
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_nodes_share_accounts_tokens_revocation_and_tasks(two_nodes):
    node_a, node_b = two_nodes
    assert requests.post(f"{node_a}/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    pair = requests.post(f"{node_a}/auth/login", json={"username": "ada", "password": PASSWORD}).json()
    assert requests.get(f"{node_b}/auth/me", headers=bearer(pair["access_token"])).status_code == 200

    for node in (node_a, node_b, node_a, node_b):
        assert requests.post(f"{node}/tasks", json={"title": f"from {node}"},
                             headers=bearer(pair["access_token"])).status_code == 201
    for node in (node_a, node_b):
        listing = requests.get(f"{node}/tasks", headers=bearer(pair["access_token"]))
        assert len(listing.json()) == 4 and listing.headers["X-Total-Count"] == "4"

    rotated = requests.post(f"{node_a}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rotated.status_code == 200
    assert requests.post(f"{node_b}/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401

    second = requests.post(f"{node_b}/auth/login", json={"username": "ada", "password": PASSWORD}).json()
    assert requests.post(f"{node_a}/auth/logout", headers=bearer(second["access_token"])).status_code == 204
    assert requests.get(f"{node_b}/auth/me", headers=bearer(second["access_token"])).status_code == 401


def test_login_limit_is_shared_by_both_nodes(two_nodes):
    node_a, node_b = two_nodes
    statuses = [requests.post(f"{node}/auth/login", json={"username": "target", "password": "guess"}).status_code
                for node in [node_a, node_b] * 5]
    assert statuses == [401] * 5 + [429] * 5
