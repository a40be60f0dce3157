"""SQLite under two gunicorn workers: writers take turns on the write lock instead of failing busy."""

import pytest
import requests

from tests.conftest import PASSWORD, all_at_once
from tests.live import gunicorn_server

WRITERS, TASKS_EACH = 8, 10


@pytest.mark.live
def test_writers_in_two_gunicorn_workers_take_turns(database_url, make_app):
    # Busy timeout 0: a worker that met the other's write lock in SQLite would answer 503.
    if not database_url.startswith("sqlite"):
        pytest.skip("the write lock is for SQLite only")
    make_app()  # empties the tables afterwards
    with gunicorn_server(database_url, workers=2, env={"RATELIMIT_ENABLED": "false",
                                                      "SQLITE_BUSY_TIMEOUT_SECONDS": "0"}) as url:
        requests.post(f"{url}/auth/register", json={"username": "ada", "password": PASSWORD})
        token = requests.post(f"{url}/auth/login", json={"username": "ada", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}

        def write_tasks(_):
            session = requests.Session()  # one connection per writer, spread over both workers
            return [session.post(f"{url}/tasks", json={"title": f"task {number}"}, headers=headers).status_code
                    for number in range(TASKS_EACH)]

        statuses = [status for batch in all_at_once(WRITERS * 2, write_tasks) for status in batch]
        assert statuses == [201] * (WRITERS * 2 * TASKS_EACH)
        listing = requests.get(f"{url}/tasks?per_page=1", headers=headers)
        assert listing.headers["X-Total-Count"] == str(WRITERS * 2 * TASKS_EACH)
