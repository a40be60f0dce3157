"""taskapi under real gunicorn (2 workers) on the session database: both legacy flows over real HTTP."""

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live import GUNICORN, gunicorn_server, live_environment, server_output, spawn, start_gunicorn, stop

pytestmark = pytest.mark.live


@pytest.fixture
def live_url(database_url, make_app):
    make_app()  # so the tables are emptied after the test
    with gunicorn_server(database_url, workers=2) as url:
        yield url


def test_register_login_and_tasks_over_real_http(live_url):
    session = requests.Session()
    assert session.post(f"{live_url}/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    token = session.post(f"{live_url}/token", data={"username": "ada", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    # Many requests, so both workers answer some: a token from one is good on the other.
    created = [session.post(f"{live_url}/tasks", json={"title": f"t{n}"}, headers=headers) for n in range(20)]
    assert all(response.status_code == 201 for response in created)
    listing = session.get(f"{live_url}/tasks?per_page=100", headers=headers)
    assert listing.status_code == 200 and len(listing.json()) == 20
    assert listing.headers["X-Total-Count"] == "20"


def test_errors_are_problem_documents_over_real_http(live_url):
    response = requests.get(f"{live_url}/tasks")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    oversized = requests.post(f"{live_url}/auth/login", data=b"x" * (2 * 1024 * 1024),
                              headers={"Content-Type": "application/json"})
    assert oversized.status_code == 413


def test_logout_on_one_worker_is_refused_by_every_worker(live_url):
    session = requests.Session()
    session.post(f"{live_url}/auth/register", json={"username": "ada", "password": PASSWORD})
    pair = session.post(f"{live_url}/auth/login", json={"username": "ada", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert session.get(f"{live_url}/auth/me", headers=headers).status_code == 200
    assert session.post(f"{live_url}/auth/logout", headers=headers).status_code == 204
    # Fresh connections land on either worker; every one of them must refuse the token.
    refused = [requests.get(f"{live_url}/auth/me", headers=headers).status_code for _ in range(30)]
    assert refused == [401] * 30
    assert requests.post(f"{live_url}/auth/refresh",
                         json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_a_second_server_on_the_same_address_refuses_to_start(live_url, database_url):
    """SO_REUSEPORT would let it bind too, and the kernel would split connections between the two."""
    second = spawn([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
                   {**live_environment(database_url), "BIND": live_url.removeprefix("http://")})
    try:
        assert second.wait(timeout=30) != 0
        assert "is already in use" in server_output(second)
    finally:
        stop(second)
    assert all(requests.get(f"{live_url}/healthz", timeout=5).status_code == 200 for _ in range(20))


def test_the_log_says_where_the_server_answers(database_url, make_app):
    """The workers hold the SO_REUSEPORT sockets, so gunicorn's own "Listening at" names none."""
    make_app()
    process, url = start_gunicorn(database_url, workers=2)
    try:
        assert f"taskapi answers at {url} (2 workers)" in server_output(process)
    finally:
        stop(process)
