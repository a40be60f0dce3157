"""Passkeys: registration (options, verification, binding of challenges), listing, renaming and removal."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import Passkey, SecurityEvent, WebAuthnChallenge, utcnow
from tests.auth.passkey_helpers import add_passkey, login_options, register_options
from tests.auth.webauthn_authenticator import SoftAuthenticator


def events(app, event_type):
    with app.app_context():
        return db.session.scalars(select(SecurityEvent).where(SecurityEvent.type == event_type)
                                  .order_by(SecurityEvent.id)).all()


def test_register_options_need_the_current_password(client, user_headers):
    wrong = client.post("/auth/passkeys/register/options", headers=user_headers, json={"current_password": "nope!!"})
    assert wrong.status_code == 400
    assert wrong.mimetype == "application/problem+json"
    missing = client.post("/auth/passkeys/register/options", headers=user_headers, json={})
    assert missing.status_code == 422
    assert client.post("/auth/passkeys/register/options", json={"current_password": "x"}).status_code == 401


def test_register_options_ask_for_a_verified_resident_key_and_exclude_existing_passkeys(client, user_headers):
    options = register_options(client, user_headers)
    assert options["rp"] == {"name": "taskapi", "id": "localhost"}
    assert options["user"]["name"] == "ada"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []
    assert len(options["challenge"]) >= 43
    authenticator, _ = add_passkey(client, user_headers)
    again = register_options(client, user_headers)
    assert [item["id"] for item in again["excludeCredentials"]] == [authenticator.id]
    assert again["challenge"] != options["challenge"]


def test_register_list_rename_and_remove(app, client, user_headers):
    authenticator, created = add_passkey(client, user_headers, name="  Laptop  ")
    assert set(created) == {"id", "name", "created_at", "last_used_at"}
    assert created["name"] == "Laptop" and created["last_used_at"] is None
    assert created["created_at"].endswith("Z")
    listed = client.get("/auth/passkeys", headers=user_headers).get_json()
    assert listed == [created]
    renamed = client.patch(f"/auth/passkeys/{created['id']}", headers=user_headers, json={"name": "Work laptop"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Work laptop"
    assert client.patch(f"/auth/passkeys/{created['id']}", headers=user_headers, json={"name": ""}).status_code == 422
    wrong = client.delete(f"/auth/passkeys/{created['id']}", headers=user_headers, json={"current_password": "nope"})
    assert wrong.status_code == 400
    removed = client.delete(f"/auth/passkeys/{created['id']}", headers=user_headers,
                            json={"current_password": "correct horse battery staple"})
    assert removed.status_code == 204
    assert client.get("/auth/passkeys", headers=user_headers).get_json() == []
    assert [event.details for event in events(app, "passkey.added")] == [{"passkey_id": created["id"],
                                                                          "name": "Laptop"}]
    assert [event.details for event in events(app, "passkey.removed")] == [{"passkey_id": created["id"],
                                                                            "name": "Work laptop"}]
    assert client.post("/auth/passkeys/login", json={"credential": authenticator.get(login_options(client))}
                       ).status_code == 401


def test_another_users_passkey_is_404(client, auth, user_headers):
    _, ada_key = add_passkey(client, user_headers)
    bob = auth.headers("bob")
    path = f"/auth/passkeys/{ada_key['id']}"
    assert client.patch(path, headers=bob, json={"name": "mine"}).status_code == 404
    assert client.delete(path, headers=bob, json={"current_password": "correct horse battery staple"}
                         ).status_code == 404
    assert client.patch("/auth/passkeys/999999", headers=bob, json={"name": "x"}).status_code == 404
    assert client.get("/auth/passkeys", headers=bob).get_json() == []
    assert client.get("/auth/passkeys", headers=user_headers).get_json()[0]["name"] == "Laptop"


def test_a_register_challenge_is_single_use(client, user_headers):
    options = register_options(client, user_headers)
    first = SoftAuthenticator().create(options)
    assert client.post("/auth/passkeys/register", headers=user_headers, json={"credential": first}).status_code == 201
    second = SoftAuthenticator().create(options)
    replay = client.post("/auth/passkeys/register", headers=user_headers, json={"credential": second})
    assert replay.status_code == 400
    assert len(client.get("/auth/passkeys", headers=user_headers).get_json()) == 1


def test_a_register_challenge_is_bound_to_its_account_and_ceremony(client, auth, user_headers):
    bob = auth.headers("bob")
    bobs_options = register_options(client, bob)
    stolen = client.post("/auth/passkeys/register", headers=user_headers,
                         json={"credential": SoftAuthenticator().create(bobs_options)})
    assert stolen.status_code == 400
    login_challenge = {**register_options(client, user_headers), "challenge": login_options(client)["challenge"]}
    crossed = client.post("/auth/passkeys/register", headers=user_headers,
                          json={"credential": SoftAuthenticator().create(login_challenge)})
    assert crossed.status_code == 400
    assert client.get("/auth/passkeys", headers=user_headers).get_json() == []


@pytest.mark.parametrize("change", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"},
                                    {"verified": False}])
def test_registration_refuses_a_wrong_origin_rp_or_no_user_verification(client, user_headers, change):
    credential = SoftAuthenticator().create(register_options(client, user_headers), **change)
    response = client.post("/auth/passkeys/register", headers=user_headers, json={"credential": credential})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("credential", [{}, {"id": "x"}, {"id": "!!", "rawId": "!!", "type": "public-key",
                                                           "response": {"clientDataJSON": "!!"}}])
def test_malformed_credentials_get_a_clear_4xx(client, user_headers, credential):
    registered = client.post("/auth/passkeys/register", headers=user_headers, json={"credential": credential})
    assert registered.status_code == 400
    login = client.post("/auth/passkeys/login", json={"credential": credential})
    assert login.status_code == 401
    assert client.post("/auth/passkeys/login", json={"credential": "text"}).status_code == 422


def test_the_same_authenticator_cannot_be_registered_twice(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    again = client.post("/auth/passkeys/register", headers=user_headers,
                        json={"credential": authenticator.create(register_options(client, user_headers))})
    assert again.status_code == 409
    with app.app_context():
        assert len(db.session.scalars(select(Passkey)).all()) == 1


def test_purge_removes_spent_and_expired_challenges_only(app, client, runner, user_headers):
    authenticator, _ = add_passkey(client, user_headers)  # spends a register challenge
    live = login_options(client)["challenge"]
    with app.app_context():
        expired = WebAuthnChallenge(id="expired-one", challenge="expired-challenge", ceremony="login",
                                    expires_at=utcnow() - timedelta(seconds=1))
        db.session.add(expired)
        db.session.commit()
    result = runner.invoke(args=["tokens", "purge"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(WebAuthnChallenge.challenge)).all() == [live]
    response = client.post("/auth/passkeys/login", json={"credential": authenticator.get({"challenge": live})})
    assert response.status_code == 200


@pytest.mark.parametrize("odd_id", ["0", "-1", "abc", "2147483648", "11365832767636852703232"])
def test_odd_passkey_ids_are_404(client, user_headers, odd_id):
    path = f"/auth/passkeys/{odd_id}"
    assert client.patch(path, headers=user_headers, json={"name": "x"}).status_code == 404
    assert client.delete(path, headers=user_headers, json={"current_password": "x"}).status_code == 404
