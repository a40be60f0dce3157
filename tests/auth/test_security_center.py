"""Sessions the owner can see and end, and the security events of an account, through HTTP."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from taskapi.extensions import db
from taskapi.models import AuthSession, SecurityEvent, utcnow
from tests.conftest import PASSWORD


def bearer(pair):
    return {"Authorization": f"Bearer {pair['access_token']}"}


def login_from(client, agent, username="ada", password=PASSWORD):
    response = client.post("/auth/login", json={"username": username, "password": password},
                           headers={"User-Agent": agent})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def ada_two_devices(auth, client):
    """ada signed in from a laptop and from a phone: (laptop pair, phone pair)."""
    assert auth.register("ada").status_code == 201
    return login_from(client, "Laptop/1.0"), login_from(client, "Phone/2.0")


def test_sessions_list_every_live_session_newest_first_with_the_current_one_marked(client, ada_two_devices):
    laptop, phone = ada_two_devices
    response = client.get("/auth/sessions", headers=bearer(laptop))
    assert response.status_code == 200
    sessions = response.get_json()
    assert [session["user_agent"] for session in sessions] == ["Phone/2.0", "Laptop/1.0"]
    assert [session["current"] for session in sessions] == [False, True]
    assert response.headers["X-Total-Count"] == "2" and "Link" in response.headers
    for session in sessions:
        assert set(session) == {"id", "created_at", "last_seen_at", "expires_at", "ip", "user_agent", "current"}
        assert session["ip"] == "127.0.0.1" and session["created_at"].endswith("Z")
        assert len(session["id"]) == 22


def test_user_agent_is_cut_to_200_characters(client, auth):
    auth.register("ada")
    pair = login_from(client, "A" * 500)
    assert client.get("/auth/sessions", headers=bearer(pair)).get_json()[0]["user_agent"] == "A" * 200


def test_a_refresh_moves_last_seen_but_an_ordinary_request_does_not(client, ada_two_devices):
    laptop, _ = ada_two_devices
    with client.application.app_context():  # age both logins by an hour, so a later write shows
        db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    aged = client.get("/auth/sessions", headers=bearer(laptop)).get_json()[1]["last_seen_at"]
    client.get("/tasks", headers=bearer(laptop))
    assert client.get("/auth/sessions", headers=bearer(laptop)).get_json()[1]["last_seen_at"] == aged
    fresh = client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}).get_json()
    listed = client.get("/auth/sessions", headers=bearer(fresh)).get_json()
    assert listed[0]["current"] is True and listed[0]["last_seen_at"] > aged


def test_ending_another_session_refuses_its_access_and_refresh_tokens(client, ada_two_devices):
    laptop, phone = ada_two_devices
    phone_id = client.get("/auth/sessions", headers=bearer(phone)).get_json()[0]["id"]
    assert client.delete(f"/auth/sessions/{phone_id}", headers=bearer(laptop)).status_code == 204
    assert client.get("/tasks", headers=bearer(phone)).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]}).status_code == 401
    assert client.get("/tasks", headers=bearer(laptop)).status_code == 200
    assert client.delete(f"/auth/sessions/{phone_id}", headers=bearer(laptop)).status_code == 404


def test_someone_elses_session_id_is_404_and_stays_alive(client, auth, ada_two_devices):
    laptop, _ = ada_two_devices
    auth.register("bob")
    bob = login_from(client, "Bob/1.0", "bob")
    bob_id = client.get("/auth/sessions", headers=bearer(bob)).get_json()[0]["id"]
    response = client.delete(f"/auth/sessions/{bob_id}", headers=bearer(laptop))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get("/tasks", headers=bearer(bob)).status_code == 200


def test_logout_others_keeps_only_the_current_session(client, ada_two_devices):
    laptop, phone = ada_two_devices
    assert client.post("/auth/logout-others", headers=bearer(laptop)).status_code == 204
    assert client.get("/tasks", headers=bearer(phone)).status_code == 401
    remaining = client.get("/auth/sessions", headers=bearer(laptop)).get_json()
    assert [(session["user_agent"], session["current"]) for session in remaining] == [("Laptop/1.0", True)]


def test_admins_list_and_end_a_users_sessions_and_users_cannot(client, auth, ada_two_devices):
    laptop, phone = ada_two_devices
    admin = auth.create_admin()
    ada_id = client.get("/auth/me", headers=bearer(laptop)).get_json()["id"]
    assert client.get(f"/users/{ada_id}/sessions", headers=bearer(laptop)).status_code == 403
    assert client.delete(f"/users/{ada_id}/sessions", headers=bearer(laptop)).status_code == 403
    listed = client.get(f"/users/{ada_id}/sessions", headers=admin)
    assert listed.status_code == 200 and len(listed.get_json()) == 2
    assert client.get("/users/999999/sessions", headers=admin).status_code == 404
    assert client.delete(f"/users/{ada_id}/sessions", headers=admin).status_code == 204
    assert client.get("/tasks", headers=bearer(laptop)).status_code == 401
    assert client.get("/tasks", headers=bearer(phone)).status_code == 401


def event_types(client, headers, **query):
    response = client.get("/auth/events", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return [event["type"] for event in response.get_json()]


def test_events_list_the_callers_own_events_newest_first_with_their_fields(client, auth, ada_two_devices):
    laptop, _ = ada_two_devices
    client.post("/auth/login", json={"username": "ada", "password": "wrong password!"})
    events = client.get("/auth/events", headers=bearer(laptop)).get_json()
    assert [event["type"] for event in events] == ["login.failed", "login.succeeded", "login.succeeded"]
    failed, phone_login = events[0], events[1]
    assert failed["details"] == {"reason": "password"} and failed["ip"] == "127.0.0.1"
    assert phone_login["user_agent"] == "Phone/2.0" and phone_login["details"] == {"method": "password"}
    assert len(phone_login["session_id"]) == 22 and phone_login["at"].endswith("Z")
    auth.register("bob")
    bob = login_from(client, "Bob/1.0", "bob")
    assert event_types(client, bearer(bob)) == ["login.succeeded"]


def test_events_filter_by_type_and_time(client, ada_two_devices):
    laptop, _ = ada_two_devices
    client.post("/auth/login", json={"username": "ada", "password": "wrong password!"})
    assert event_types(client, bearer(laptop), type="login.failed") == ["login.failed"]
    future = (utcnow() + timedelta(minutes=5)).isoformat()
    assert event_types(client, bearer(laptop), since=future) == []
    assert len(event_types(client, bearer(laptop), until=future)) == 3
    bad = client.get("/auth/events", headers=bearer(laptop), query_string={"type": "nope", "since": "yesterday"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"type", "since"}


def test_admins_read_every_accounts_events_with_filters(client, auth, ada_two_devices):
    laptop, _ = ada_two_devices
    admin = auth.create_admin()
    ada_id = client.get("/auth/me", headers=bearer(laptop)).get_json()["id"]
    assert client.get("/events", headers=bearer(laptop)).status_code == 403
    everyone = client.get("/events", headers=admin).get_json()
    assert {event["user_id"] for event in everyone} >= {ada_id}
    only_ada = client.get("/events", headers=admin, query_string={"user": ada_id, "type": "login.succeeded"})
    assert [event["user_id"] for event in only_ada.get_json()] == [ada_id, ada_id]
    assert len(client.get(f"/users/{ada_id}/events", headers=admin).get_json()) == 2


def test_a_failed_login_for_an_unknown_name_is_stored_without_the_name(client, app):
    typed = "hunter2-typed-into-the-username-field"
    client.post("/auth/login", json={"username": typed, "password": "wrong password!"})
    with app.app_context():
        events = db.session.scalars(db.select(SecurityEvent)).all()
        assert [(event.type, event.user_id, event.details) for event in events] == [
            ("login.failed", None, {"reason": "password"})]
        assert typed not in repr([(event.details, event.user_agent) for event in events])


def test_events_past_retention_are_purged(app, runner, auth, client):
    auth.register("ada")
    login_from(client, "Laptop/1.0")
    with app.app_context():
        db.session.add(SecurityEvent(type="logout", at=utcnow() - timedelta(days=400), details={}))
        db.session.commit()
    result = runner.invoke(args=["tokens", "purge"])
    assert result.exit_code == 0 and "1 security events" in result.output
    with app.app_context():
        assert [event.type for event in db.session.scalars(db.select(SecurityEvent))] == ["login.succeeded"]


def test_security_events_are_logged_on_their_own_logger(client, auth, caplog):
    caplog.set_level(logging.INFO, logger="taskapi.security")
    auth.register("ada")
    login_from(client, "Laptop/1.0")
    records = [record for record in caplog.records if record.name == "taskapi.security"]
    assert [record.fields["event"] for record in records] == ["login.succeeded"]
    assert records[0].fields["details"] == {"method": "password"}
