"""Every operation in /openapi.json that takes a password or a code answers 429 once the account's budget is spent.

The operations come from the document (request bodies with a ``password``, ``current_password``,
``code`` or ``otp`` property), so a new route that checks a secret without the budget fails here
the day it is added. Each is sent with the *right* secrets, as two accounts: one with 2FA on, one
with a 2FA setup started; at least one of them must reach the check and get the budget's 429.
"""

import re
import time

import pyotp
import pytest

from tests.auth.passkey_helpers import add_passkey
from tests.auth.test_failure_budget import TOO_MANY, WRONG
from tests.conftest import PASSWORD

SECRET_FIELDS = {"password", "current_password", "code", "otp"}
# Operations whose ``password`` is a new one being set, not one being checked.
SETS_A_SECRET = {("POST", "/auth/register"), ("POST", "/register")}
NEW_PASSWORD = "a brand new passphrase 42"


def request_schemas(spec):
    """(method, path, operation, content type, resolved body schema) for each operation with a body."""
    def resolve(schema):
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                for content_type, content in operation["requestBody"]["content"].items():
                    yield method.upper(), path, operation, content_type, resolve(content["schema"])


def secret_checking_operations(spec):
    return [(method, path, operation, content_type, schema)
            for method, path, operation, content_type, schema in request_schemas(spec)
            if SECRET_FIELDS & set(schema.get("properties", {})) and (method, path) not in SETS_A_SECRET]


class Account:
    """A signed-in user whose secrets the test knows."""

    def __init__(self, client, name, enable):
        self.name = name
        assert client.post("/auth/register", json={"username": name, "password": PASSWORD}).status_code == 201
        token = client.post("/auth/login", json={"username": name, "password": PASSWORD}).get_json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.id = client.get("/auth/me", headers=self.headers).get_json()["id"]
        self.path_ids = {"user": self.id, "passkey": add_passkey(client, self.headers)[1]["id"]}
        self.secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD},
                                  headers=self.headers).get_json()["secret"]
        self.mfa_token = "not a token"
        if enable:
            assert client.post("/auth/2fa/enable", json={"code": pyotp.TOTP(self.secret).now(),
                                                         "current_password": PASSWORD},
                               headers=self.headers).status_code == 200
            # The second step of a sign-in checks a code: it needs the token the first step answers.
            self.mfa_token = client.post("/auth/login", json={"username": name, "password": PASSWORD}
                                         ).get_json()["mfa_token"]

    def value(self, name, schema):
        """The right value for a field: the password, a fresh code, the username; else something valid."""
        if name in {"password", "current_password"}:
            return PASSWORD
        if name in {"code", "otp"}:
            return pyotp.TOTP(self.secret).at(time.time() + 30)  # valid and not used yet
        if name == "username":
            return self.name
        if name == "mfa_token":
            return self.mfa_token
        if name == "new_password":
            return NEW_PASSWORD
        if name == "email":
            return f"{self.name}@example.org"
        if "enum" in schema:
            return schema.get("default") or schema["enum"][0]
        return {"boolean": False, "integer": 1}.get(schema.get("type"), schema.get("example", "x"))

    def send(self, client, method, path, operation, content_type, schema):
        properties = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | SECRET_FIELDS | {"username"}
        if {"password", "current_password"} <= set(properties):  # legacy alias: exactly one may be given
            wanted.discard("password")
        body = {name: self.value(name, prop) for name, prop in properties.items() if name in wanted}
        url = re.sub(r"\{([a-z]+)_id\}", lambda match: str(self.path_ids.get(match.group(1), 1)), path)
        headers = self.headers if operation.get("security") else {}
        payload = {"data": body} if content_type == "application/x-www-form-urlencoded" else {"json": body}
        return client.open(url, method=method, headers=headers, **payload)


def spend_budget(client, account):
    for _ in range(5):
        assert client.post("/auth/login", json={"username": account.name, "password": WRONG}).status_code == 401


def test_the_generated_list_finds_the_known_secret_checks(client):
    found = {(method, path) for method, path, *_ in secret_checking_operations(client.get("/openapi.json").get_json())}
    # A lower bound only: the test below runs on whatever the document lists.
    assert {("POST", "/auth/login"), ("POST", "/auth/token"), ("POST", "/token"), ("POST", "/auth/password"),
            ("PATCH", "/users/me"), ("DELETE", "/users/me"), ("POST", "/auth/2fa/enable"),
            ("POST", "/auth/2fa/disable"), ("POST", "/auth/login/2fa")} <= found
    assert SETS_A_SECRET <= {(method, path) for method, path, *_ in request_schemas(
        client.get("/openapi.json").get_json())}, "a route excluded here no longer exists"


def test_every_secret_check_answers_429_with_the_right_secret_once_the_budget_is_spent(client):
    unlimited = {}
    operations = secret_checking_operations(client.get("/openapi.json").get_json())
    for index, (method, path, operation, content_type, schema) in enumerate(operations):
        # Fresh accounts per operation, so one that slips through changes nothing for the next.
        accounts = [Account(client, f"on-{index}", enable=True), Account(client, f"pending-{index}", enable=False)]
        for account in accounts:
            spend_budget(client, account)
        answers = [account.send(client, method, path, operation, content_type, schema) for account in accounts]
        statuses = [answer.status_code for answer in answers]
        # Some account must reach the check and get 429; none may get through (2xx) or crash (5xx).
        if 429 not in statuses or any(status < 300 or status >= 500 for status in statuses):
            unlimited[f"{method} {path}"] = statuses
        for answer in answers:
            if answer.status_code == 429:
                assert answer.get_json()["detail"] == TOO_MANY and int(answer.headers["Retry-After"]) > 0
        for account in accounts:  # nothing changed while the budget was spent
            me = client.get("/auth/me", headers=account.headers)
            if me.status_code != 200 or me.get_json()["two_factor_enabled"] is not account.name.startswith("on-"):
                unlimited[f"{method} {path}"] = statuses
    assert unlimited == {}, "these operations check a secret without the account's failure budget"


@pytest.mark.parametrize("field", sorted(SECRET_FIELDS))
def test_a_secret_field_is_recognised_wherever_it_appears(field):
    spec = {"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/X"}}}}}}}, "components": {"schemas": {"X": {
        "properties": {field: {"type": "string"}}}}}}
    assert [(method, path) for method, path, *_ in secret_checking_operations(spec)] == [("POST", "/x")]
