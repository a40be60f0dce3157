"""The shared rate-limit counters (taskapi/db/limit_counters.py): limits' fixed window, exact across processes."""

import multiprocessing
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from config import TestConfig
from taskapi import create_app
from taskapi.db.limit_counters import SqliteCounters, counters_uri
from taskapi.http.rate_limits import rate_limiter


@pytest.fixture
def counters(tmp_path):
    return storage_from_string(counters_uri(tmp_path / "limits" / "counters.sqlite"))


def test_the_scheme_is_registered_with_limits(counters, tmp_path):
    assert isinstance(counters, SqliteCounters)
    assert counters.check()
    assert (tmp_path / "limits" / "counters.sqlite").exists()


def test_a_fixed_window_counts_then_refuses_then_starts_again(counters):
    window = FixedWindowRateLimiter(counters)
    item = parse("3/second")
    assert [window.hit(item, "10.0.0.1", "login") for _ in range(5)] == [True, True, True, False, False]
    assert window.hit(item, "10.0.0.2", "login")  # another address has a budget of its own
    stats = window.get_window_stats(item, "10.0.0.1", "login")
    assert stats.remaining == 0 and time.time() < stats.reset_time <= time.time() + 1
    time.sleep(1.05)
    assert window.test(item, "10.0.0.1", "login")
    assert window.hit(item, "10.0.0.1", "login")
    assert counters.get(item.key_for("10.0.0.1", "login")) == 1


def test_clear_and_reset_forget_counts(counters):
    counters.incr("a", 60)
    counters.incr("b", 60, amount=2)
    counters.clear("a")
    assert (counters.get("a"), counters.get("b")) == (0, 2)
    assert counters.reset() == 1
    assert counters.get("b") == 0
    assert counters.get_expiry("b") <= time.time()


def hit_many(uri, times):
    counters = storage_from_string(uri)
    for _ in range(times):
        counters.incr("shared", 60)


def test_hits_from_several_processes_are_all_counted(tmp_path):
    uri = counters_uri(tmp_path / "counters.sqlite")
    context = multiprocessing.get_context("spawn")  # separate interpreters, as gunicorn workers are
    processes = [context.Process(target=hit_many, args=(uri, 50)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert storage_from_string(uri).get("shared") == 200


def app_with(**settings):
    return create_app(type("Limits", (TestConfig,), {"RATELIMIT_ENABLED": True, **settings}))


def test_the_default_storage_is_a_counters_file_in_the_instance_folder():
    app = app_with(RATELIMIT_STORAGE_URI=None, RATELIMIT_SQLITE_PATH=None)
    assert app.config["RATELIMIT_STORAGE_URI"] == counters_uri(f"{app.instance_path}/ratelimits.sqlite")
    assert isinstance(rate_limiter(app).storage, SqliteCounters)


def test_the_counters_file_can_be_moved_and_a_storage_uri_wins(tmp_path):
    moved = app_with(RATELIMIT_STORAGE_URI=None, RATELIMIT_SQLITE_PATH=str(tmp_path / "elsewhere.sqlite"))
    assert moved.config["RATELIMIT_STORAGE_URI"] == counters_uri(tmp_path / "elsewhere.sqlite")
    assert app_with(RATELIMIT_STORAGE_URI="memory://").config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_per_address_limit_answers_429_from_the_shared_counters(make_app, tmp_path):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=None, RATELIMIT_SQLITE_PATH=str(tmp_path / "l.sqlite"),
                   RATELIMIT_REGISTER_PER_IP="2/minute")
    client = app.test_client()
    statuses = [client.post("/auth/register", json={"username": f"visitor{n}", "password": "tulip harbor quiet"})
                .status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert storage_from_string(app.config["RATELIMIT_STORAGE_URI"]).reset() == 1  # the one window, in the file
