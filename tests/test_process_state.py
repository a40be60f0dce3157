"""Process state: nothing local decides an answer (module-level containers are constants or known caches,
per-app caches are named), and a serving worker loads only what it uses."""

import importlib
import os
import pkgutil
import subprocess
import sys
import time
import weakref
from datetime import timedelta

import flask_jwt_extended.view_decorators as view_decorators
import jwt as pyjwt
import pytest

import taskapi
from taskapi.auth.sessions.verified_tokens import VerifiedTokens
from tests.conftest import AuthActions, redis_answers
from tests.live import PROJECT_ROOT

CONTAINERS = (dict, set, list, weakref.WeakKeyDictionary, weakref.WeakValueDictionary)

# Each is safe per worker: losing it, or another worker having a different one, changes no answer.
PER_PROCESS_CACHES = {
    ("taskapi.auth.credentials.passwords", "_dummy_hashes"):
        "a dummy bcrypt hash per cost, for equal-time failed logins",
    ("taskapi.auth.credentials.passwords", "_bcrypt_pools"): "this process's hashing threads",
    ("taskapi.db.sqlite_writes", "_locks"): "this process's SQLite write locks (workers meet on an flock)",
    ("taskapi.db.request_session", "_twins"): "each engine's AUTOCOMMIT twins (same pool, no data)",
    ("taskapi.auth.sessions.access_tokens", "_hash_keys"): "the access-token hashing keys derived from each secret",
}


def test_module_level_mutable_state_is_only_known_per_process_caches():
    found = set()
    for module_info in pkgutil.walk_packages(taskapi.__path__, "taskapi."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            # UPPER_CASE names are constants (NO_STORE, SORT_KEYS, ...), never written to.
            if isinstance(value, CONTAINERS) and not name.isupper() and not name.startswith("__"):
                found.add((module_info.name, name))
    assert found == set(PER_PROCESS_CACHES)


# Per-app caches in app.extensions, and why each is safe.
PER_APP_CACHES = {
    "taskapi.verified_tokens": "token strings whose signature and fixed claims were verified; expiry and "
                               "not-before are checked against the clock on every use, and the session and "
                               "user (logout, revocation, disabling, password change) are read from the "
                               "database on every request, cached or not",
}


def test_the_only_per_app_cache_is_the_verified_token_memory(app):
    caches = {name for name, value in app.extensions.items() if isinstance(value, VerifiedTokens)}
    assert caches == set(PER_APP_CACHES)


def test_a_remembered_token_is_served_without_decoding_it_again(app, client, user_headers, monkeypatch):
    assert client.get("/auth/me", headers=user_headers).status_code == 200
    token = user_headers["Authorization"].split()[1]
    assert app.extensions["taskapi.verified_tokens"].get(token) is not None

    def refuse(*args, **kwargs):
        raise pyjwt.InvalidTokenError("decoded again")

    monkeypatch.setattr(pyjwt, "decode", refuse)
    assert client.get("/auth/me", headers=user_headers).status_code == 200


def test_a_remembered_token_still_stops_working_at_logout(client, auth):
    headers = auth.headers()
    assert client.get("/auth/me", headers=headers).status_code == 200
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/auth/me", headers=headers).status_code == 401


def test_a_remembered_token_still_expires(make_app):
    client = make_app(JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=1)).test_client()
    headers = AuthActions(client, runner=None).headers()
    assert client.get("/auth/me", headers=headers).status_code == 200
    time.sleep(1.2)
    assert client.get("/auth/me", headers=headers).status_code == 401


def test_a_remembered_token_is_not_used_before_its_nbf():
    verified = VerifiedTokens(3)
    verified.add("early", {"exp": time.time() + 60, "nbf": time.time() + 30})
    assert verified.get("early") is None


def test_a_token_differing_from_a_remembered_one_is_verified_afresh(client, user_headers):
    token = user_headers["Authorization"].split()[1]
    assert client.get("/auth/me", headers=user_headers).status_code == 200
    last = token[-1]
    tampered = token[:-1] + ("A" if last != "A" else "B")
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401


def test_the_memory_is_bounded_and_forgets_the_oldest_first():
    verified = VerifiedTokens(3)
    claims = {"exp": 2**40, "nbf": 0}
    for number in range(5):
        verified.add(f"token-{number}", claims)
    assert len(verified) == 3
    assert verified.get("token-0") is None and verified.get("token-1") is None
    assert verified.get("token-4") == claims


def test_each_app_has_its_own_memory(make_app):
    first, second = make_app(), make_app()
    assert first.extensions["taskapi.verified_tokens"] is not second.extensions["taskapi.verified_tokens"]


# Loaded on first use only, so a serving worker that never needs them never pays for them.
LOADED_ON_FIRST_USE = {
    "alembic": "a worker never migrates (Flask-Migrate and Alembic, about 12 MB)",
    "flask_migrate": "as alembic",
    "webauthn": "py_webauthn and its ASN.1 and CBOR parsers (about 5 MB), only for passkey ceremonies",
    "segno": "QR codes (about 1 MB), only when two-factor setup starts",
}


def test_serving_the_app_does_not_import_what_loads_on_first_use():
    probe = f"import sys, wsgi; print(sorted({set(LOADED_ON_FIRST_USE)!r} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "TASKAPI_ENV": "testing"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# huey's storage module imports both drivers if it can (taskapi/db/drivers.py); a SQLite deployment uses neither.
SQLITE_APP_PROBE = """
import sys
from taskapi import create_app
create_app()
print(sorted({"redis", "psycopg"} & set(sys.modules)))
"""
REDIS_QUEUE_PROBE = """
from config import ProductionConfig
from taskapi import create_app
from taskapi.jobs import current_jobs
app = create_app(ProductionConfig)
with app.app_context():
    print(current_jobs().storage, current_jobs().huey.storage.conn.ping())
"""


def sqlite_defaults(tmp_path):
    """A production environment with nothing configured: SQLite database and queue under the instance folder."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "JOBS_SQLITE_PATH")}
    return {**env, "TASKAPI_ENV": "production", "TASKAPI_INSTANCE_PATH": str(tmp_path), "TRUSTED_HOSTS": "localhost",
            "SECRET_KEY": "a-secret-key-long-enough-for-hs256-0123456789abcdef"}


def test_a_sqlite_app_imports_neither_the_redis_nor_the_postgresql_driver(tmp_path):
    result = subprocess.run([sys.executable, "-c", SQLITE_APP_PROBE], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env=sqlite_defaults(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_with_redis_url_in_the_environment_the_queue_is_on_redis(tmp_path):
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    env = {**sqlite_defaults(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0", "JOBS_NAME": f"probe-{os.getpid()}"}
    result = subprocess.run([sys.executable, "-c", REDIS_QUEUE_PROBE], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis", "True"]


def test_a_remembered_tokens_header_is_the_one_it_verified_with(app, client, user_headers, monkeypatch):
    assert client.get("/auth/me", headers=user_headers).status_code == 200
    token = user_headers["Authorization"].split()[1]
    assert app.extensions["taskapi.verified_tokens"].header(token) == pyjwt.get_unverified_header(token)

    def refuse(*args, **kwargs):
        raise pyjwt.DecodeError("header parsed again")

    monkeypatch.setattr(pyjwt, "get_unverified_header", refuse)
    assert client.get("/auth/me", headers=user_headers).status_code == 200


def test_a_token_not_remembered_has_its_header_read_by_the_library(app):
    with app.app_context():
        with pytest.raises(pyjwt.DecodeError):
            view_decorators.get_unverified_jwt_headers("not.a.token")
