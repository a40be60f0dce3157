"""Races against a live gunicorn with 4 workers (SQLite WAL, or PostgreSQL via TEST_DATABASE_URL)."""

import time

import pytest
import requests

from tests.conftest import PASSWORD, all_at_once
from tests.links import parse_links
from tests.live import consumer_process, gunicorn_server

pytestmark = pytest.mark.live


@pytest.fixture
def live4(database_url, make_app):
    make_app()  # empties the tables afterwards
    with gunicorn_server(database_url, workers=4, env={"RATELIMIT_ENABLED": "false"}) as url:
        yield url


def login(url, username):
    requests.post(f"{url}/auth/register", json={"username": username, "password": PASSWORD})
    return requests.post(f"{url}/auth/login", json={"username": username, "password": PASSWORD}).json()


def test_fifty_registrations_of_one_name_give_one_201(live4):
    statuses = all_at_once(50, lambda i: requests.post(
        f"{live4}/auth/register", json={"username": "contested", "password": PASSWORD}).status_code)
    assert statuses.count(201) == 1
    assert statuses.count(400) == 49
    assert not [status for status in statuses if status >= 500]


def test_concurrent_task_creation_loses_nothing(live4):
    headers = {"Authorization": f"Bearer {login(live4, 'busy')['access_token']}"}

    def create_many(client_number):
        session, ids = requests.Session(), []
        for n in range(250):
            response = session.post(f"{live4}/tasks", json={"title": f"c{client_number}-{n}"}, headers=headers)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        return ids

    created = {task_id for ids in all_at_once(8, create_many) for task_id in ids}
    assert len(created) == 2000
    listed, url = set(), f"{live4}/tasks?per_page=100"
    while url:
        response = requests.get(url, headers=headers)
        assert response.headers["X-Total-Count"] == "2000"
        listed |= {task["id"] for task in response.json()}
        next_path = parse_links(response.headers["Link"]).get("next")
        url = f"{live4}{next_path}" if next_path else None
    assert listed == created


def test_concurrent_patches_with_one_if_match_one_wins(live4):
    headers = {"Authorization": f"Bearer {login(live4, 'editor')['access_token']}"}
    task = requests.post(f"{live4}/tasks", json={"title": "contended"}, headers=headers)
    url, etag = f"{live4}/tasks/{task.json()['id']}", task.headers["ETag"]
    statuses = all_at_once(10, lambda i: requests.patch(url, json={"title": f"w{i}"},
                                                        headers={**headers, "If-Match": etag}).status_code)
    assert sorted(statuses) == [200] + [412] * 9


def test_concurrent_refreshes_of_one_token_one_wins(live4):
    refresh_token = login(live4, "refresher")["refresh_token"]
    statuses = all_at_once(10, lambda i: requests.post(f"{live4}/auth/refresh",
                                                       json={"refresh_token": refresh_token}).status_code)
    assert statuses.count(200) == 1
    assert statuses.count(401) == 9


@pytest.fixture
def live4_mail(database_url, make_app, smtp_server, queue_settings):
    """Four workers and a jobs consumer that mail through the test's SMTP server."""
    make_app()
    env = {"RATELIMIT_ENABLED": "false", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port),
           **queue_settings}
    with gunicorn_server(database_url, workers=4, env=env) as url, consumer_process(database_url, env):
        yield url


def test_racing_redemptions_of_one_reset_token_one_wins(live4_mail, smtp_server):
    from tests.smtp import token_in

    requests.post(f"{live4_mail}/auth/register",
                  json={"username": "forgetful", "password": PASSWORD, "email": "forgetful@example.com"})
    requests.post(f"{live4_mail}/auth/password-reset/request", json={"email": "forgetful@example.com"})
    reset_mail = next(message for message in smtp_server.inbox.wait_for(2)
                      if message["Subject"] == "Reset your password")
    token = token_in(reset_mail)
    statuses = all_at_once(10, lambda i: requests.post(f"{live4_mail}/auth/password-reset", json={
        "token": token, "new_password": f"racing passphrase number {i}"}).status_code)
    assert sorted(statuses) == [204] + [400] * 9


def test_racing_logins_with_one_totp_code_one_wins(live4):
    import pyotp

    headers = {"Authorization": f"Bearer {login(live4, 'guarded')['access_token']}"}
    secret = requests.post(f"{live4}/auth/2fa/setup", json={"current_password": PASSWORD},
                           headers=headers).json()["secret"]
    totp = pyotp.TOTP(secret)
    assert requests.post(f"{live4}/auth/2fa/enable", json={"code": totp.now(), "current_password": PASSWORD},
                         headers=headers).status_code == 200
    code = totp.at(time.time() + 30)  # the next step: valid once, inside the window
    statuses = all_at_once(10, lambda i: requests.post(f"{live4}/auth/login", json={
        "username": "guarded", "password": PASSWORD, "otp": code}).status_code)
    # The losers are 401, or 429 once the account's failure budget (5 at a time) is taken.
    assert statuses.count(200) == 1 and set(statuses) <= {200, 401, 429}
