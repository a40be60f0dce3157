"""Personal access tokens on two gunicorn workers: a revoked or expired token is refused at once by both."""

import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from taskapi.extensions import db
from taskapi.models import AccessToken, utcnow
from tests.conftest import PASSWORD
from tests.live import server_output, start_gunicorn, stop

pytestmark = pytest.mark.live
# gunicorn's own access log names the worker (pid) that answered each request.
ACCESS_LINE = re.compile(r"^<(\d+)> (\d{3}) (\S+)$", re.MULTILINE)
# SO_REUSEPORT: the kernel spreads new connections over the workers. With one shared socket a busy
# machine let one worker accept 200 connections in a row, and the test never saw the other one.
LIVE_ENV = {"RATELIMIT_ENABLED": "false", "GUNICORN_ACCESS_LOG": "-", "GUNICORN_REUSE_PORT": "1",
            "GUNICORN_CMD_ARGS": "--access-logformat='%(p)s %(s)s %(U)s'"}
CLOSE = {"Connection": "close"}  # a new connection per request, so the requests spread over the workers


def answers_from_both_workers(process, url, path, headers, seen):
    """GET ``path`` until both workers have answered it since ``seen``; {worker pid: statuses}."""
    by_worker = {}
    for _ in range(200):
        requests.get(f"{url}{path}", headers={**headers, **CLOSE}, timeout=30)
        by_worker = {}
        for pid, status, logged_path in ACCESS_LINE.findall(server_output(process)[seen:]):
            if logged_path == path:
                by_worker.setdefault(pid, []).append(int(status))
        if len(by_worker) == 2:
            return by_worker
    raise AssertionError(f"{path} never reached both workers: {by_worker}")


def test_revocation_and_expiry_are_refused_at_once_on_both_workers(database_url, make_app):
    app = make_app()  # empties the tables afterwards; writes the expiry below
    process, url = start_gunicorn(database_url, workers=2, env=LIVE_ENV)
    try:
        assert requests.post(f"{url}/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
        session = {"Authorization": "Bearer " + requests.post(f"{url}/auth/login", json={
            "username": "ada", "password": PASSWORD}).json()["access_token"]}
        tokens = [requests.post(f"{url}/auth/tokens", headers=session, json={
            "name": name, "scopes": scopes, "expires_in_days": 30, "current_password": PASSWORD}).json()
            for name, scopes in (("revoked", ["tasks:read"]), ("expiring", ["account:read"]))]
        revoked = {"Authorization": f"Bearer {tokens[0]['token']}"}
        expiring = {"Authorization": f"Bearer {tokens[1]['token']}"}

        seen = len(server_output(process))
        assert all(statuses == [200] * len(statuses) for statuses in
                   answers_from_both_workers(process, url, "/tasks", revoked, seen).values())
        assert all(statuses == [200] * len(statuses) for statuses in
                   answers_from_both_workers(process, url, "/auth/me", expiring, seen).values())

        assert requests.delete(f"{url}/auth/tokens/{tokens[0]['id']}", headers=session).status_code == 204
        with app.app_context():
            db.session.execute(update(AccessToken).where(AccessToken.id == tokens[1]["id"])
                               .values(expires_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        seen = len(server_output(process))
        for path, headers in (("/tasks", revoked), ("/auth/me", expiring)):
            by_worker = answers_from_both_workers(process, url, path, headers, seen)
            assert all(statuses == [401] * len(statuses) for statuses in by_worker.values()), (path, by_worker)
        assert requests.get(f"{url}/tasks", headers=session).status_code == 200
    finally:
        stop(process)
