"""Limits that hold across gunicorn workers: the per-account budget (and nodes), the per-address limits.

The budget lives in the database, which every worker and node already shares: the default
deployment (several workers, SQLite, no Redis) must give exactly the budget of failures, then
429 from every worker, the right password included. The per-address limits count in a file
every worker of the machine shares (Redis, when set, for every node): exactly the limit, in all.
"""

import re
import socket
import uuid

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, all_at_once
from tests.live import server_output, start_gunicorn, stop

pytestmark = pytest.mark.live
REDIS_URL = "redis://127.0.0.1:6379/0"
BUDGET = 5
TOO_MANY = "Too many failed attempts for this account; retry later."
# gunicorn's own access log names the worker (pid) that answered each request.
ACCESS_LINE = re.compile(r"^<(\d+)> (\d{3}) (\S+)$", re.MULTILINE)
LIVE_ENV = {"RATELIMIT_LOGIN_PER_IP": "1000/minute", "RATELIMIT_REGISTER_PER_IP": "1000/minute",
            "GUNICORN_ACCESS_LOG": "-", "GUNICORN_CMD_ARGS": "--access-logformat='%(p)s %(s)s %(U)s'"}


def redis_answers():
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture(params=["no Redis", "REDIS_URL set"])
def limiter_env(request):
    """The default (no Redis), then the same with REDIS_URL: the budget must answer alike."""
    if request.param == "no Redis":
        yield dict(LIVE_ENV)
        return
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    import redis

    prefix = f"taskapi-test-{uuid.uuid4().hex}"
    yield {**LIVE_ENV, "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


def login(url, password="wrong guess, wrong guess"):
    # A new connection per attempt, so the attempts are spread over the workers.
    return requests.post(f"{url}/auth/login", json={"username": "ada", "password": password},
                         headers={"Connection": "close"}, timeout=30)


def sign_up(url):
    """Register ada; her bearer headers (taken before any failure)."""
    assert requests.post(f"{url}/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    token = login(url, PASSWORD).json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Connection": "close"}


def assert_refused(response):
    assert response.status_code == 429 and response.json()["detail"] == TOO_MANY
    assert int(response.headers["Retry-After"]) > 0


def test_exactly_the_budget_then_429_on_every_worker(database_url, make_app, limiter_env):
    make_app()  # empties the tables afterwards
    process, url = start_gunicorn(database_url, workers=3, env=limiter_env)
    try:
        headers = sign_up(url)
        # Guesses sent together, over all three workers: exactly the budget of them is checked.
        statuses = all_at_once(3 * BUDGET, lambda _: login(url).status_code)
        assert sorted(statuses) == [401] * BUDGET + [429] * (2 * BUDGET)
        seen = len(server_output(process))
        workers, answers = set(), []
        while len(workers) < 3 and len(answers) < 300:
            answers.append(login(url, PASSWORD))
            workers = {pid for pid, _, path in ACCESS_LINE.findall(server_output(process)[seen:])
                       if path == "/auth/login"}
        assert len(workers) == 3, "the right password did not reach every worker"
        for answer in answers:
            assert_refused(answer)
        # The signed-in checks spend and honour the same budget.
        assert_refused(requests.post(f"{url}/auth/password", json={"current_password": PASSWORD,
                                                                   "new_password": "a new passphrase 42"},
                                     headers=headers))
    finally:
        stop(process)


@pytest.fixture
def two_nodes(database_url, make_app):
    """Two gunicorn servers (two workers each) on one PostgreSQL database, no Redis."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("multi-node test needs PostgreSQL (set TEST_DATABASE_URL)")
    make_app()  # empties the tables afterwards
    nodes = [start_gunicorn(database_url, workers=2, env=LIVE_ENV) for _ in range(2)]
    try:
        yield [url for _, url in nodes]
    finally:
        for process, _ in nodes:
            stop(process)


def test_exactly_the_budget_then_429_on_both_nodes(two_nodes):
    node_a, node_b = two_nodes
    headers = sign_up(node_a)
    wrong_change = requests.post(f"{node_b}/auth/password", json={"current_password": "not it",
                                                                  "new_password": "a new passphrase 42"},
                                 headers=headers)
    assert wrong_change.status_code == 400
    statuses = all_at_once(4 * BUDGET, lambda index: login(two_nodes[index % 2]).status_code)
    assert sorted(statuses) == [401] * (BUDGET - 1) + [429] * (3 * BUDGET + 1)
    for node in (node_a, node_b) * 3:
        assert_refused(login(node, PASSWORD))
    assert_refused(requests.delete(f"{node_b}/users/me", json={"password": PASSWORD}, headers=headers))
    assert requests.get(f"{node_a}/users/me", headers=headers).status_code == 200


def register(url, number):
    return requests.post(f"{url}/auth/register", json={"username": f"visitor{number}", "password": PASSWORD},
                         headers={"Connection": "close"}, timeout=30)


def test_a_per_address_limit_is_exact_over_every_worker(database_url, make_app, limiter_env):
    make_app()  # empties the tables afterwards
    limit = 6
    # SO_REUSEPORT: the kernel spreads connections over the workers; with one shared socket, one
    # worker may accept every registration, and the test would not show the workers counting together.
    env = {**limiter_env, "RATELIMIT_REGISTER_PER_IP": f"{limit}/minute", "GUNICORN_REUSE_PORT": "1"}
    process, url = start_gunicorn(database_url, workers=3, env=env)
    try:
        responses = all_at_once(3 * limit, lambda number: register(url, number))
        assert sorted(response.status_code for response in responses) == [201] * limit + [429] * (2 * limit)
        refused = [response for response in responses if response.status_code == 429]
        assert all(response.headers["X-RateLimit-Limit"] == str(limit) for response in refused)
        workers = {pid for pid, _, path in ACCESS_LINE.findall(server_output(process)) if path == "/auth/register"}
        assert len(workers) >= 2, "the registrations did not spread over the workers"
    finally:
        stop(process)
