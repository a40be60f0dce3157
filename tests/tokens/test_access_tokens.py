"""Personal access tokens through HTTP: creation, format and storage, use, listing, revocation, lifetime."""

import hashlib
import hmac
import logging
import re
from datetime import timedelta

from sqlalchemy import select, update

from taskapi.auth.sessions.access_tokens import TOKEN_REGEX
from taskapi.auth.sessions.keys import derive_keys
from taskapi.extensions import db
from taskapi.models import AccessToken, SecurityEvent, User, utcnow
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.tokens.conftest import bearer

ALL_READ = ["tasks:read", "account:read"]


def test_creation_answers_the_token_once_and_stores_only_its_keyed_hash(app, client, user_headers, make_token):
    created = make_token(user_headers, ["tasks:read"], name="CI")
    token = created["token"]
    assert re.fullmatch(TOKEN_REGEX, token) and token.startswith("tapi_")
    assert len(token.rsplit("_", 1)[1]) * 5 >= 160  # base32 characters carry 5 random bits each
    assert {"id", "name", "scopes", "project_id", "created_at", "expires_at", "last_used_at"} <= set(created)
    assert created["scopes"] == ["tasks:read"] and created["project_id"] is None
    with app.app_context():
        row = db.session.scalar(select(AccessToken))
        stored = " ".join(str(value) for value in row.__dict__.values())
        assert token not in stored and token.rsplit("_", 1)[1] not in stored
        key = derive_keys("personal access tokens")[0]
        assert row.secret_hash == hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
        assert row.expires_at - row.created_at == timedelta(days=30)
    listed = client.get("/auth/tokens", headers=user_headers)
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "1"
    assert token not in listed.get_data(as_text=True)
    assert listed.get_json()[0]["last_four"] == token[-4:]


def test_a_token_authenticates_as_its_account(client, user_headers, make_token, create_task):
    create_task(user_headers, title="mine")
    token = make_token(user_headers, ["tasks:read", "account:read"])
    me = client.get("/auth/me", headers=bearer(token))
    assert me.status_code == 200 and me.get_json()["username"] == "ada"
    tasks = client.get("/tasks", headers=bearer(token))
    assert [task["title"] for task in tasks.get_json()] == ["mine"]
    assert client.get("/auth/sessions", headers=bearer(token)).status_code == 200


def test_creation_needs_the_current_password_and_valid_fields(client, user_headers):
    base = {"name": "x", "scopes": ["tasks:read"], "expires_in_days": 10}
    wrong = client.post("/auth/tokens", json={**base, "current_password": "wrong password"}, headers=user_headers)
    assert wrong.status_code == 400
    for bad in ({"expires_in_days": 0}, {"expires_in_days": 367}, {"expires_in_days": None}, {"scopes": []},
                {"scopes": ["tasks:delete"]}, {"name": ""},
                {"name": "   "}, {"expires_in_days": True}, {"name": "n" * 101}, {"project_id": 0},
                {"project_id": "one"}, {"scopes": "tasks:read"}):
        response = client.post("/auth/tokens", json={**base, "current_password": PASSWORD, **bad},
                               headers=user_headers)
        assert response.status_code == 422, (bad, response.get_json())
        assert response.mimetype == "application/problem+json"
    missing = client.post("/auth/tokens", json={"name": "x", "scopes": ["tasks:read"],
                                                 "current_password": PASSWORD}, headers=user_headers)
    assert missing.status_code == 422 and "expires_in_days" in missing.get_json()["errors"]


def test_name_is_unique_per_account(client, auth, user_headers, make_token):
    make_token(user_headers, ["tasks:read"], name="CI")
    again = client.post("/auth/tokens", json={"name": "CI", "scopes": ["tasks:read"], "expires_in_days": 5,
                                              "current_password": PASSWORD}, headers=user_headers)
    assert again.status_code == 409
    bob = auth.headers("bob")
    assert client.post("/auth/tokens", json={"name": "CI", "scopes": ["tasks:read"], "expires_in_days": 5,
                                             "current_password": PASSWORD}, headers=bob).status_code == 201


def test_the_admin_scope_is_only_for_admins(client, user_headers, admin_headers, make_token):
    refused = client.post("/auth/tokens", json={"name": "x", "scopes": ["admin"], "expires_in_days": 5,
                                                "current_password": PASSWORD}, headers=user_headers)
    assert refused.status_code == 422 and "scopes" in refused.get_json()["errors"]
    token = make_token(admin_headers, ["admin"], password=ADMIN_PASSWORD)
    assert client.get("/users", headers=bearer(token)).status_code == 200


def test_an_admins_token_without_the_admin_scope_has_no_admin_power(client, auth, admin_headers, make_token,
                                                                    create_task):
    ada = auth.headers("ada")
    task = create_task(ada)
    token = make_token(admin_headers, ["tasks:read", "tasks:write"], password=ADMIN_PASSWORD)
    assert client.get(f"/tasks/{task['id']}", headers=admin_headers).status_code == 200
    assert client.get(f"/tasks/{task['id']}", headers=bearer(token)).status_code == 404
    assert client.get("/tasks?all=true", headers=bearer(token)).status_code == 403


def test_a_demoted_admin_loses_the_admin_scope_at_once(app, client, auth, admin_headers, make_token):
    auth.register("second")
    with app.app_context():
        db.session.execute(update(User).where(User.username == "second").values(role="admin"))
        db.session.commit()
    second = {"Authorization": f"Bearer {auth.token('second')}"}
    token = make_token(second, ["admin"])
    assert client.get("/users", headers=bearer(token)).status_code == 200
    second_id = client.get("/auth/me", headers=second).get_json()["id"]
    assert client.patch(f"/users/{second_id}", json={"role": "user"}, headers=admin_headers).status_code == 200
    refused = client.get("/users", headers=bearer(token))
    assert refused.status_code == 403 and refused.get_json()["detail"] == "Admin privileges required"


def test_scopes_are_enforced_with_an_rfc_6750_challenge(client, user_headers, make_token):
    token = make_token(user_headers, ["tasks:read"])
    refused = client.post("/tasks", json={"title": "no"}, headers=bearer(token))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="tasks:write"'
    interactive = client.post("/auth/tokens", json={}, headers=bearer(token))
    assert interactive.status_code == 403
    assert interactive.headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')
    writer = make_token(user_headers, ["tasks:write"])
    assert client.post("/tasks", json={"title": "yes"}, headers=bearer(writer)).status_code == 201


def test_a_token_cannot_mint_or_revoke_tokens(client, user_headers, make_token):
    token = make_token(user_headers, ["tasks:read", "tasks:write", "account:read"])
    body = {"name": "child", "scopes": ["tasks:read"], "expires_in_days": 1, "current_password": PASSWORD}
    assert client.post("/auth/tokens", json=body, headers=bearer(token)).status_code == 403
    assert client.delete(f"/auth/tokens/{token['id']}", headers=bearer(token)).status_code == 403
    assert client.post("/auth/logout-all", headers=bearer(token)).status_code == 403


def test_revoked_expired_and_malformed_tokens_are_401(app, client, user_headers, make_token):
    revoked, expired = make_token(user_headers, ALL_READ), make_token(user_headers, ALL_READ)
    assert client.delete(f"/auth/tokens/{revoked['id']}", headers=user_headers).status_code == 204
    with app.app_context():
        db.session.execute(update(AccessToken).where(AccessToken.id == expired["id"])
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    tampered = expired["token"][:-1] + ("a" if expired["token"][-1] != "a" else "b")
    for token in (revoked["token"], expired["token"], tampered, "tapi_short", "tapi_" + "a" * 16 + "_" + "b" * 40):
        response = client.get("/auth/me", headers=bearer(token))
        assert response.status_code == 401, token
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_disabled_and_deleted_accounts_tokens_are_401(app, client, auth, admin_headers, make_token):
    ada = auth.headers("ada")
    token = make_token(ada, ALL_READ)
    ada_id = client.get("/auth/me", headers=ada).get_json()["id"]
    assert client.patch(f"/users/{ada_id}", json={"is_active": False}, headers=admin_headers).status_code == 200
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    assert client.patch(f"/users/{ada_id}", json={"is_active": True}, headers=admin_headers).status_code == 200
    assert client.delete(f"/users/{ada_id}", headers=admin_headers).status_code == 204
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(AccessToken)) is None


def test_another_accounts_token_id_is_404(client, auth, user_headers, make_token):
    token = make_token(user_headers, ALL_READ)
    bob = auth.headers("bob")
    assert client.delete(f"/auth/tokens/{token['id']}", headers=bob).status_code == 404
    assert client.delete("/auth/tokens/999999", headers=user_headers).status_code == 404
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200


def test_password_change_keeps_tokens_and_reset_revokes_them(app, client, user_headers, make_token):
    token = make_token(user_headers, ALL_READ, name="sync")
    changed = client.post("/auth/password", json={"current_password": PASSWORD,
                                                  "new_password": "another long passphrase 42"},
                          headers=user_headers)
    assert changed.status_code == 200
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        event = db.session.scalar(select(SecurityEvent).where(SecurityEvent.type == "password.changed"))
        assert event.details["access_tokens"] == ["sync"]
        from taskapi.auth.sessions.access_tokens import revoke_all_tokens
        user = db.session.scalar(select(User).where(User.username == "ada"))
        assert revoke_all_tokens(user, by="password_reset") == 1  # what POST /auth/password-reset calls
        db.session.commit()
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(app, client, user_headers, make_token):
    token = make_token(user_headers, ALL_READ)
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        first = db.session.get(AccessToken, token["id"])
        assert first.last_used_at is not None and first.last_used_ip == "127.0.0.1"
        used_at = first.last_used_at
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.get(AccessToken, token["id"]).last_used_at == used_at
        db.session.execute(update(AccessToken).values(last_used_at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.get(AccessToken, token["id"]).last_used_at > used_at
    assert client.get("/auth/tokens", headers=user_headers).get_json()[0]["last_used_at"] is not None


def test_events_name_who_revoked_and_never_the_token(app, client, auth, admin_headers, make_token, caplog):
    caplog.set_level(logging.INFO)
    ada = auth.headers("ada")
    mine, admins = make_token(ada, ALL_READ), make_token(ada, ALL_READ)
    client.get("/auth/me", headers=bearer(mine))
    tampered = mine["token"][:-1] + ("a" if mine["token"][-1] != "a" else "b")
    assert client.get("/auth/me", headers=bearer(tampered)).status_code == 401  # a refusal is logged, not the token
    ada_id = client.get("/auth/me", headers=ada).get_json()["id"]
    assert client.delete(f"/auth/tokens/{mine['id']}", headers=ada).status_code == 204
    listed = client.get(f"/users/{ada_id}/tokens", headers=admin_headers)
    assert listed.status_code == 200 and [token["id"] for token in listed.get_json()] == [admins["id"]]
    assert client.delete(f"/users/{ada_id}/tokens/{admins['id']}", headers=admin_headers).status_code == 204
    assert client.delete(f"/users/{ada_id}/tokens/{admins['id']}", headers=admin_headers).status_code == 404
    events = client.get("/auth/events?type=token.revoked", headers=ada).get_json()
    assert sorted(event["details"]["by"] for event in events) == ["admin", "owner"]
    assert any(event["details"].get("admin_id") for event in events)
    assert len(client.get("/auth/events?type=token.created", headers=ada).get_json()) == 2
    with app.app_context():
        stored = " ".join(str(event.details) for event in db.session.scalars(select(SecurityEvent)))
    for secret in (mine["token"], admins["token"]):
        assert secret not in stored and secret not in caplog.text
        assert secret.rsplit("_", 1)[1] not in caplog.text


def test_an_admins_token_with_the_admin_scope_may_register_an_admin(client, admin_headers, make_token):
    body = {"password": PASSWORD, "role": "admin"}
    admin_token = make_token(admin_headers, ["admin"], password=ADMIN_PASSWORD)
    tasks_token = make_token(admin_headers, ["tasks:read"], password=ADMIN_PASSWORD)
    created = client.post("/auth/register", json={**body, "username": "boss"}, headers=bearer(admin_token))
    assert created.status_code == 201 and created.get_json()["role"] == "admin"
    refused = client.post("/auth/register", json={**body, "username": "boss2"}, headers=bearer(tasks_token))
    assert refused.status_code == 403 and "insufficient_scope" in refused.headers["WWW-Authenticate"]
    assert client.post("/auth/register", json={**body, "username": "boss3"}).status_code == 403
    assert client.post("/auth/register", json={**body, "username": "boss4"},
                       headers={"Authorization": "Bearer tapi_nonsense"}).status_code == 401


def test_housekeeping_deletes_tokens_expired_over_30_days_ago(app, client, user_headers, make_token):
    from taskapi.auth.housekeeping import purge_expired_rows

    old, recent = make_token(user_headers, ALL_READ), make_token(user_headers, ALL_READ)
    with app.app_context():
        for token, age in ((old, 31), (recent, 29)):
            db.session.execute(update(AccessToken).where(AccessToken.id == token["id"])
                               .values(expires_at=utcnow() - timedelta(days=age)))
        db.session.commit()
        purge_expired_rows()
        db.session.commit()  # as the job's unit of work does when it returns
        assert set(db.session.scalars(select(AccessToken.id))) == {recent["id"]}
    assert [token["id"] for token in client.get("/auth/tokens", headers=user_headers).get_json()] == [recent["id"]]
