"""A session ended from another device is refused at once by every gunicorn worker."""

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live import gunicorn_server

pytestmark = pytest.mark.live


def test_a_revoked_session_is_refused_on_every_worker(database_url, make_app):
    make_app()  # so the tables are emptied after the test
    with gunicorn_server(database_url, workers=2) as url:
        assert requests.post(f"{url}/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
        laptop, phone = (requests.post(f"{url}/auth/login", json={"username": "ada", "password": PASSWORD},
                                       headers={"User-Agent": agent}).json() for agent in ("Laptop", "Phone"))
        laptop_auth = {"Authorization": f"Bearer {laptop['access_token']}"}
        phone_auth = {"Authorization": f"Bearer {phone['access_token']}"}
        sessions = requests.get(f"{url}/auth/sessions", headers=laptop_auth).json()
        phone_id = next(session["id"] for session in sessions if session["user_agent"] == "Phone")
        # Fresh connections, so the requests spread over both workers.
        assert all(requests.get(f"{url}/tasks", headers=phone_auth).status_code == 200 for _ in range(10))
        assert requests.delete(f"{url}/auth/sessions/{phone_id}", headers=laptop_auth).status_code == 204
        refused = [requests.get(f"{url}/tasks", headers=phone_auth).status_code for _ in range(20)]
        assert refused == [401] * 20
        assert requests.post(f"{url}/auth/refresh", json={"refresh_token": phone["refresh_token"]}).status_code == 401
        assert requests.get(f"{url}/tasks", headers=laptop_auth).status_code == 200
