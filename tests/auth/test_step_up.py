"""Every failed secret check leaves an event (class 7); with 2FA on, every re-authentication needs a code (class 8).

The operations come from /openapi.json: every body with ``current_password``, ``password``, ``otp``
or ``code`` (tests/auth/test_every_secret_check_limited.py finds them), so a route added tomorrow
that checks a secret is covered the day it is added.
"""

import json

import pytest
from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import SecurityEvent
from tests.auth.test_every_secret_check_limited import Account, secret_checking_operations

WRONG = {"password": "wrong passphrase 987", "current_password": "wrong passphrase 987",
         "otp": "zzzzzz-zzzzzz", "code": "zzzzzz-zzzzzz"}
FAILURE_EVENTS = ("login.failed", "reauth.failed")


def spec_operations(client):
    return secret_checking_operations(client.get("/openapi.json").get_json())


def failure_events(app, user_id):
    with app.app_context():
        return db.session.scalars(select(SecurityEvent).where(
            SecurityEvent.user_id == user_id, SecurityEvent.type.in_(FAILURE_EVENTS)).order_by(SecurityEvent.id)).all()


class Prober(Account):
    """An account that sends one secret wrong, or leaves one out, and everything else right."""

    wrong_field = None
    omitted = ()

    def value(self, name, schema):
        if name == self.wrong_field:
            return WRONG[name]
        return super().value(name, schema)

    def send(self, client, method, path, operation, content_type, schema):
        properties = {name: prop for name, prop in schema.get("properties", {}).items() if name not in self.omitted}
        return super().send(client, method, path, operation, content_type, {**schema, "properties": properties})


def test_every_operation_that_re_authenticates_documents_otp(client):
    operations = [(method, path, schema) for method, path, _, _, schema in spec_operations(client)
                  if "current_password" in schema.get("properties", {})]
    assert len(operations) >= 7
    for method, path, schema in operations:
        otp = schema["properties"].get("otp")
        assert otp is not None, f"{method} {path}: no otp beside current_password"
        assert "mfa_required" in otp.get("description", ""), f"{method} {path}"


def test_every_failed_secret_check_leaves_an_event_without_the_secret(app, client):
    silent = {}
    for index, (method, path, operation, content_type, schema) in enumerate(spec_operations(client)):
        secrets = [name for name in WRONG if name in schema.get("properties", {})]
        if "current_password" in secrets and "password" in secrets:  # the deprecated alias is not sent beside it
            secrets.remove("password")
        # One account with 2FA on, one with a setup started: every check is reachable by one of them.
        accounts = [Prober(client, f"on-{index}", enable=True), Prober(client, f"pending-{index}", enable=False)]
        probes = 0
        for account in accounts:
            for field in secrets:
                if field == "otp" and not account.name.startswith("on-"):
                    continue  # without 2FA on, otp is not asked for (and is ignored)
                account.wrong_field = field
                before = len(failure_events(app, account.id))
                answer = account.send(client, method, path, operation, content_type, schema)
                assert answer.status_code < 500, (method, path, answer.get_data(as_text=True)[:200])
                assert not 200 <= answer.status_code < 300, (method, path, field, "a wrong secret got through")
                if answer.status_code in (409, 422):  # refused before any secret is looked at
                    continue
                probes += 1
                events = failure_events(app, account.id)
                if len(events) != before + 1:
                    silent[f"{method} {path} ({account.name}: wrong {field})"] = answer.status_code
                    continue
                assert WRONG[field] not in json.dumps(events[-1].details)
                if events[-1].type == "reauth.failed":
                    assert events[-1].details["purpose"] and events[-1].details["factor"] in ("password", "code")
        assert probes, f"{method} {path}: no wrong secret reached a check"
    assert silent == {}, "these failed secret checks left no security event"


def test_with_2fa_on_every_re_authentication_without_otp_is_401_mfa_required(app, client):
    unguarded = {}
    for index, (method, path, operation, content_type, schema) in enumerate(spec_operations(client)):
        if "current_password" not in schema.get("properties", {}) or not operation.get("security"):
            continue
        account = Prober(client, f"step-{index}", enable=True)
        account.omitted = ("otp",) if "code" in schema.get("required", []) else ("otp", "code")
        answer = account.send(client, method, path, operation, content_type, schema)
        if answer.status_code == 409:  # 2FA setup and enable: 2FA is on already, nothing to re-authenticate for
            continue
        body = answer.get_json() or {}
        if answer.status_code != 401 or body.get("error") != "mfa_required" or "mfa_token" in body:
            unguarded[f"{method} {path}"] = (answer.status_code, body.get("error"))
        assert client.get("/auth/me", headers=account.headers).status_code == 200  # nothing changed, no sign-out
    assert unguarded == {}, "these operations change a 2FA account with the password alone"


def test_a_missing_code_checks_nothing_and_spends_no_budget(app, client):
    account = Prober(client, "lone", enable=True)
    account.omitted = ("otp",)
    for _ in range(8):  # more than the budget allows failures
        answer = client.post("/auth/passkeys/register/options", json={"current_password": "anything at all"},
                             headers=account.headers)
        assert answer.status_code == 401 and answer.get_json()["error"] == "mfa_required"
    assert failure_events(app, account.id) == []


@pytest.mark.parametrize("purpose_path", [("PATCH", "/users/me", "account_update"),
                                          ("POST", "/auth/password", "password_change"),
                                          ("DELETE", "/users/me", "account_delete")])
def test_reauth_failed_names_the_purpose(app, client, purpose_path):
    method, path, purpose = purpose_path
    account = Prober(client, "purpose", enable=False)
    body = {"current_password": WRONG["current_password"], "new_password": "a brand new passphrase 42"}
    if path == "/users/me":
        body.pop("new_password")
    assert client.open(path, method=method, json=body, headers=account.headers).status_code == 400
    event = failure_events(app, account.id)[-1]
    assert (event.type, event.details) == ("reauth.failed", {"purpose": purpose, "factor": "password",
                                                               "reason": "wrong"})
