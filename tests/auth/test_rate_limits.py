"""Per-IP login, token and registration rate limits (switched on here; off in the rest of the suite).

Per-account limits are the database failure budget (test_failure_budget.py); here only how the
two meet: the budget answers the same with the limiter on.
"""

import time

import pytest

from taskapi.auth.limits import SETTINGS
from tests.conftest import PASSWORD


@pytest.fixture
def limited(make_app):
    """An app with limits on and small budgets; fresh in-memory counters per app."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_LOGIN_PER_IP="20/minute",
                    RATELIMIT_REGISTER_PER_IP="3/minute")


def attempt(client, username, password="wrong password!", remote="10.0.0.1", form=False):
    environ = {"REMOTE_ADDR": remote}
    if form:
        return client.post("/auth/token", data={"username": username, "password": password}, environ_base=environ)
    return client.post("/auth/login", json={"username": username, "password": password}, environ_base=environ)


def assert_429(response):
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-RateLimit-Limit"]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert "retry later" in response.get_json()["detail"]


@pytest.mark.parametrize("username", ["ada", "nobody-here"])
def test_the_account_budget_answers_the_same_with_the_limiter_on(limited, username):
    client = limited.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    statuses = [attempt(client, username, remote=f"10.0.0.{n}").status_code for n in range(5)]
    assert statuses == [401] * 5
    refused = attempt(client, username, password=PASSWORD, remote="10.0.0.99")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == "Too many failed attempts for this account; retry later."
    assert 50 < int(refused.headers["Retry-After"]) <= 60


def test_per_ip_limit_across_usernames(limited):
    client = limited.test_client()
    statuses = [attempt(client, f"user{n}", remote="10.9.9.9").status_code for n in range(21)]
    assert statuses[:20] == [401] * 20
    assert_429(attempt(client, "user-final", remote="10.9.9.9"))
    assert attempt(client, "user-final", remote="10.9.9.10").status_code == 401


def test_successful_login_does_not_reset_the_ip_budget(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      RATELIMIT_LOGIN_PER_IP="3/minute").test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    attempt(client, "x1")
    attempt(client, "ada", password=PASSWORD)
    assert attempt(client, "ada", password=PASSWORD).status_code == 200
    assert_429(attempt(client, "ada", password=PASSWORD))


def test_register_is_limited_per_ip(limited):
    client = limited.test_client()
    statuses = [client.post("/auth/register", json={"username": f"new{n}", "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.4.4.4"}).status_code for n in range(4)]
    assert statuses[:3] == [201] * 3
    assert statuses[3] == 429


def test_x_forwarded_for_is_ignored_by_default(limited):
    client = limited.test_client()
    for n in range(20):
        attempt(client, f"u{n}", remote="10.5.5.5")
    spoofed = client.post("/auth/login", json={"username": "u-last", "password": "x"},
                          headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.5.5.5"})
    assert spoofed.status_code == 429


def test_x_forwarded_for_counts_behind_one_trusted_proxy(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_LOGIN_PER_IP="2/minute",
                      PROXY_FIX_X_FOR=1).test_client()

    def via_proxy(client_ip, username):
        return client.post("/auth/login", json={"username": username, "password": "x"},
                           headers={"X-Forwarded-For": client_ip}, environ_base={"REMOTE_ADDR": "127.0.0.1"})

    assert [via_proxy("198.51.100.1", f"a{n}").status_code for n in range(2)] == [401, 401]
    assert via_proxy("198.51.100.1", "a3").status_code == 429
    assert via_proxy("198.51.100.2", "a4").status_code == 401


def test_limits_can_be_switched_off(make_app):
    client = make_app(RATELIMIT_ENABLED=False, RATELIMIT_LOGIN_PER_IP="1/minute").test_client()
    assert [attempt(client, f"user{n}").status_code for n in range(4)] == [401] * 4


def register(client, name, remote="10.6.6.6"):
    return client.post("/auth/register", json={"username": name, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": remote})


def test_answers_show_the_smallest_window_then_the_spent_limit(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      RATELIMIT_REGISTER_PER_IP="5/hour;2/minute").test_client()
    answers = [register(client, f"shown{n}") for n in range(3)]
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert [answer.headers["X-RateLimit-Limit"] for answer in answers] == ["2", "2", "2"]
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["1", "0", "0"]
    assert all(int(answer.headers["X-RateLimit-Reset"]) > time.time() for answer in answers)
    assert "Retry-After" not in answers[0].headers
    assert 0 < int(answers[2].headers["Retry-After"]) <= 60
    assert answers[2].get_json()["detail"] == "Too many requests: the limit of 2 per 1 minute was reached; retry later."


def test_a_spent_per_email_budget_is_the_one_shown(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_RESET_PER_IP="10/minute",
                      RATELIMIT_RESET_PER_EMAIL="1/hour").test_client()
    ask = [client.post("/auth/password-reset/request", json={"email": "ada@example.com"}) for _ in range(2)]
    assert [answer.status_code for answer in ask] == [202, 429]
    assert ask[0].headers["X-RateLimit-Limit"] == "10"  # both budgets had room: the smaller window is shown
    assert ask[1].headers["X-RateLimit-Limit"] == "1" and ask[1].headers["X-RateLimit-Remaining"] == "0"
    assert 3500 < int(ask[1].headers["Retry-After"]) <= 3600


def test_every_app_counts_on_its_own(make_app):
    first, second = (make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                              RATELIMIT_REGISTER_PER_IP="1/minute").test_client() for _ in range(2))
    assert [register(first, "one").status_code, register(first, "two").status_code] == [201, 429]
    assert register(second, "three").status_code == 201


def test_a_storage_outage_lets_requests_through_and_is_logged(make_app, caplog):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                      RATELIMIT_REGISTER_PER_IP="1/minute").test_client()
    with caplog.at_level("ERROR", logger="taskapi.rate_limits"):
        answers = [register(client, f"through{n}") for n in range(2)]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert "X-RateLimit-Limit" not in answers[0].headers
    assert [record.getMessage() for record in caplog.records] == \
        ["the rate-limit storage failed; the request was let through"] * 2


@pytest.mark.parametrize("name", SETTINGS)
def test_an_unreadable_limit_stops_the_app_from_starting(make_app, name):
    with pytest.raises(RuntimeError, match=name):
        make_app(**{name: "lots"})


def test_a_view_routed_at_two_paths_has_one_budget(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      RATELIMIT_REGISTER_PER_IP="3/minute").test_client()
    statuses = [client.post(path, json={"username": f"alias{n}", "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code
                for n, path in enumerate(["/auth/register", "/register", "/auth/register", "/register"])]
    assert statuses == [201, 201, 201, 429]
