"""A member removed or demoted is refused at once by every gunicorn worker (no cached membership)."""

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live import gunicorn_server

pytestmark = pytest.mark.live


def signed_up(url, name):
    assert requests.post(f"{url}/auth/register", json={"username": name, "password": PASSWORD}).status_code == 201
    token = requests.post(f"{url}/auth/login", json={"username": name, "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return headers, requests.get(f"{url}/auth/me", headers=headers).json()["id"]


def test_a_removed_member_is_refused_on_every_worker_at_once(database_url, make_app, join):
    with gunicorn_server(database_url, workers=2, env={"RATELIMIT_ENABLED": "false"}) as url:
        ada, _ = signed_up(url, "ada")
        bob, bob_id = signed_up(url, "bob")
        project = requests.post(f"{url}/projects", json={"name": "Launch"}, headers=ada).json()
        join(project["id"], "bob", "editor")
        task = requests.post(f"{url}/tasks", json={"title": "t", "project_id": project["id"]}, headers=ada).json()
        task_url = f"{url}/tasks/{task['id']}"
        # Fresh connections, so the requests spread over both workers.
        assert all(requests.patch(task_url, json={"title": "ok"}, headers=bob).status_code == 200 for _ in range(6))
        demoted = requests.patch(f"{url}/projects/{project['id']}/members/{bob_id}", json={"role": "viewer"},
                                 headers=ada)
        assert demoted.status_code == 200
        refused = [requests.patch(task_url, json={"title": "no"}, headers=bob).status_code for _ in range(10)]
        assert refused == [403] * 10
        assert all(requests.get(task_url, headers=bob).status_code == 200 for _ in range(6))
        removed = requests.delete(f"{url}/projects/{project['id']}/members/{bob_id}", headers=ada)
        assert removed.status_code == 204
        assert [requests.get(task_url, headers=bob).status_code for _ in range(10)] == [404] * 10
        assert [requests.get(f"{url}/tasks", headers=bob).json() for _ in range(6)] == [[]] * 6
