"""The last active admin survives races: two admins on two gunicorn workers demote, disable or delete each other."""

import pytest
import requests
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import User
from tests.conftest import ADMIN_PASSWORD, PASSWORD, all_at_once
from tests.live import gunicorn_server

pytestmark = pytest.mark.live
ROUNDS = 20


@pytest.fixture
def app(make_app):
    return make_app()  # empties the tables afterwards


@pytest.fixture
def live2(database_url, app):
    with gunicorn_server(database_url, workers=2, env={"RATELIMIT_ENABLED": "false"}) as url:
        yield url


def sign_in(url, username, password=PASSWORD):
    response = requests.post(f"{url}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"id": None, "headers": {"Authorization": f"Bearer {response.json()['access_token']}"}, "name": username}


def me(url, account):
    account["id"] = requests.get(f"{url}/auth/me", headers=account["headers"]).json()["id"]
    return account


def second_admin(url, survivor, number):
    """A new account, promoted by ``survivor`` (so exactly two active admins exist)."""
    name = f"admin{number}"
    assert requests.post(f"{url}/auth/register", json={"username": name, "password": PASSWORD}).status_code == 201
    account = me(url, sign_in(url, name))
    promoted = requests.patch(f"{url}/users/{account['id']}", json={"role": "admin"}, headers=survivor["headers"])
    assert promoted.status_code == 200, promoted.text
    return account


def active_admins(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.role == "admin", User.is_active.is_(True)))


def against_other(method, body=None):
    """Each admin acts on the other one; the one whose request succeeds survives."""
    def act(url, session, actor, other):
        return session.request(method, f"{url}/users/{other['id']}", json=body, headers=actor["headers"])
    return act, "actor"


def delete_self(url, session, actor, other):
    return session.request("DELETE", f"{url}/users/me", json={"current_password": PASSWORD}, headers=actor["headers"])


KINDS = {
    "demote each other": against_other("PATCH", {"role": "user"}),
    "disable each other": against_other("PATCH", {"is_active": False}),
    "delete each other": against_other("DELETE"),
    "both delete themselves": (delete_self, "other"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_two_admins_racing_always_leave_one_active_admin(app, runner, live2, kind):
    act, survivor_is = KINDS[kind]
    result = runner.invoke(args=["users", "create-admin", "root"], input=ADMIN_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    survivor = me(live2, sign_in(live2, "root", ADMIN_PASSWORD))
    if kind == "both delete themselves":
        # the password of every account in the race is PASSWORD: root hands over to a first admin
        first = second_admin(live2, survivor, "first")
        requests.patch(f"{live2}/users/{survivor['id']}", json={"role": "user"}, headers=first["headers"])
        survivor = first
    sessions = [requests.Session(), requests.Session()]
    for number in range(ROUNDS):
        pair = [survivor, second_admin(live2, survivor, number)]
        assert active_admins(app) == 2
        responses = all_at_once(2, lambda i, pair=pair: act(live2, sessions[i], pair[i], pair[1 - i]))
        statuses = [response.status_code for response in responses]
        successes = [i for i, status in enumerate(statuses) if status in (200, 204)]
        assert len(successes) == 1, f"round {number}: {statuses} {[r.text for r in responses]}"
        loser = statuses[1 - successes[0]]
        assert loser in (401, 403, 409), f"round {number}: {statuses}"
        assert active_admins(app) == 1, f"round {number}: {statuses}"
        winner = successes[0]
        survivor = pair[winner] if survivor_is == "actor" else pair[1 - winner]
