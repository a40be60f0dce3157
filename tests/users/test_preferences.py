"""Reminder preferences on PATCH /users/me: reminders (off, daily) and an IANA time zone."""

import pytest

from tests.conftest import PASSWORD


def patch_me(client, headers, **body):
    return client.patch("/users/me", headers=headers, json={"current_password": PASSWORD, **body})


def test_reminders_are_off_in_utc_by_default(client, user_headers):
    me = client.get("/users/me", headers=user_headers).get_json()
    assert (me["reminders"], me["timezone"]) == ("off", None)


def test_preferences_change_alone_and_keep_the_email(client, auth):
    assert auth.register("ada", email="ada@example.com").status_code == 201
    headers = auth.headers("ada", register=False)
    response = patch_me(client, headers, reminders="daily", timezone="America/New_York")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["reminders"], body["timezone"], body["email"]) == ("daily", "America/New_York", "ada@example.com")
    assert client.get("/users/me", headers=headers).get_json()["timezone"] == "America/New_York"
    back = patch_me(client, headers, reminders="off", timezone=None).get_json()
    assert (back["reminders"], back["timezone"], back["email"]) == ("off", None, "ada@example.com")


@pytest.mark.parametrize("body, field", [
    ({"reminders": "weekly"}, "reminders"),
    ({"reminders": None}, "reminders"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": "../../../../etc/passwd"}, "timezone"),
    ({"timezone": "/usr/share/zoneinfo/UTC"}, "timezone"),
    ({"timezone": "Europe/Paris\x00"}, "timezone"),
    ({"timezone": "x" * 65}, "timezone"),
    ({"timezone": 3600}, "timezone"),
])
def test_bad_preferences_are_422_and_change_nothing(client, user_headers, body, field):
    response = patch_me(client, user_headers, **body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    me = client.get("/users/me", headers=user_headers).get_json()
    assert (me["reminders"], me["timezone"]) == ("off", None)


def test_a_wrong_password_changes_no_preference(client, user_headers):
    response = client.patch("/users/me", headers=user_headers, json={"reminders": "daily", "current_password": "no"})
    assert response.status_code == 400
    assert client.get("/users/me", headers=user_headers).get_json()["reminders"] == "off"
