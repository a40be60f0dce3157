"""SQLite: one worker's writers take turns on a lock instead of meeting SQLite's busy handler."""

import pytest

from tests.conftest import PASSWORD, AuthActions, all_at_once

WRITERS, TASKS_EACH = 8, 10


@pytest.fixture
def impatient_app(make_app, database_url):
    """An app whose SQLite connections give up at once on a locked database (busy timeout 0)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the write lock is for SQLite only; PostgreSQL locks rows, not the database")
    return make_app(SQLITE_BUSY_TIMEOUT_SECONDS=0)


def test_concurrent_writers_in_one_process_all_succeed(impatient_app):
    # Without the lock, writers that meet a locked database fail at once (busy timeout 0).
    headers = AuthActions(impatient_app.test_client(), impatient_app.test_cli_runner()).headers("ada")

    def write_tasks(_):
        client = impatient_app.test_client()
        return [client.post("/tasks", json={"title": f"task {number}"}, headers=headers).status_code
                for number in range(TASKS_EACH)]

    statuses = [status for batch in all_at_once(WRITERS, write_tasks) for status in batch]
    assert statuses == [201] * (WRITERS * TASKS_EACH)
    listing = impatient_app.test_client().get("/tasks?per_page=1", headers=headers)
    assert listing.headers["X-Total-Count"] == str(WRITERS * TASKS_EACH)


def test_the_lock_is_free_after_a_commit_and_after_a_refused_registration(impatient_app):
    client = impatient_app.test_client()
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    assert client.post("/auth/register", json={"username": "ADA", "password": PASSWORD}).status_code == 400
    # Had this thread kept the lock, a write from any other thread would wait for it forever.
    statuses = all_at_once(1, lambda _: impatient_app.test_client().post(
        "/auth/register", json={"username": "grace", "password": PASSWORD}).status_code)
    assert statuses == [201]
