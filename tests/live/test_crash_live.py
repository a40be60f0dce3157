"""Crash durability: kill -9 gunicorn mid-write; every acknowledged task survives and the app serves again."""

import sqlite3
import threading
import time

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD
from tests.live import kill_hard, start_gunicorn, stop

pytestmark = pytest.mark.live


def test_kill_minus_nine_loses_no_acknowledged_task(database_url, make_app):
    make_app()  # empties the tables afterwards
    env = {"RATELIMIT_ENABLED": "false"}
    process, url = start_gunicorn(database_url, workers=2, env=env)
    port = int(url.rsplit(":", 1)[1])
    requests.post(f"{url}/auth/register", json={"username": "durable", "password": PASSWORD})
    token = requests.post(f"{url}/auth/login", json={"username": "durable", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    acknowledged, stop_writing = [], threading.Event()

    def write(writer):
        session = requests.Session()
        while not stop_writing.is_set():
            try:
                response = session.post(f"{url}/tasks", json={"title": f"w{writer}"}, headers=headers, timeout=5)
            except requests.RequestException:
                return  # the server is gone
            if response.status_code == 201:
                acknowledged.append(response.json()["id"])

    writers = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in writers:
        thread.start()
    time.sleep(1.5)
    kill_hard(process)  # mid-stream: writers have requests in flight
    stop_writing.set()
    for thread in writers:
        thread.join()
    assert len(acknowledged) > 20, "the load never got going"

    if make_url(database_url).get_backend_name() == "sqlite":
        with sqlite3.connect(make_url(database_url).database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    process, url = start_gunicorn(database_url, workers=2, env=env, port=port)
    try:
        token = requests.post(f"{url}/auth/login", json={"username": "durable", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for task_id in acknowledged:
            assert requests.get(f"{url}/tasks/{task_id}", headers=headers).status_code == 200, task_id
        total = int(requests.get(f"{url}/tasks", headers=headers).headers["X-Total-Count"])
        assert total >= len(acknowledged)
        assert requests.post(f"{url}/tasks", json={"title": "after the crash"}, headers=headers).status_code == 201
    finally:
        stop(process)
