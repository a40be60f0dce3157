"""With Redis storage, the per-username login limit is shared by every gunicorn worker."""

import socket
import uuid

import pytest
import requests

from tests.live import gunicorn_server

pytestmark = pytest.mark.live
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers():
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_prefix():
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379: shared-limit test not run")
    import redis

    prefix = f"taskapi-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


def test_login_limit_is_shared_across_two_workers(database_url, make_app, redis_prefix):
    make_app()  # empties the tables afterwards
    env = {"RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix,
           "RATELIMIT_LOGIN_PER_USERNAME": "5/minute", "RATELIMIT_LOGIN_PER_IP": "1000/minute",
           "GUNICORN_THREADS": "1"}
    with gunicorn_server(database_url, workers=2, env=env) as url:
        # A new connection per attempt, so the two workers share the attempts between them.
        statuses = [requests.post(f"{url}/auth/login", json={"username": "target", "password": "guess"},
                                  headers={"Connection": "close"}).status_code for _ in range(12)]
    assert statuses == [401] * 5 + [429] * 7
