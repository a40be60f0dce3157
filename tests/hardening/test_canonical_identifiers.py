"""One canonical form per identifier: every route that takes an email or a username, found in /openapi.json,
is sent compatibility, full-width and case variants, which must reach the same account and the same budget."""

import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import AccountToken, ProjectInvitation, User
from tests.conftest import PASSWORD
from tests.operations import SPEC

EMAIL = "victim@example.com"
EMAIL_VARIANTS = ["victim@ｅxample.com", "victim@example。com", "VICTIM@EXAMPLE.COM", "ｖｉｃｔｉｍ@example.com",
                  "victim@example．com", " Victim@Example.Com "]
USERNAME = "victim"
USERNAME_VARIANTS = ["VICTIM", "ｖｉｃｔｉｍ", "Ｖｉｃｔｉｍ", "victiｍ"]


def resolve(schema):
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def identifier_operations():
    """"METHOD /path" of every operation whose body has an ``email`` or ``username`` member."""
    found = set()
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                if {"email", "username"} & set(resolve(content["schema"]).get("properties", {})):
                    found.add(f"{method.upper()} {path}")
    return sorted(found)


@pytest.mark.parametrize("text", EMAIL_VARIANTS)
def test_every_email_variant_has_the_one_canonical_form(text):
    from taskapi.http.identifiers import canonical_email

    assert canonical_email(text) == EMAIL


@pytest.mark.parametrize("text", USERNAME_VARIANTS)
def test_every_username_variant_has_the_one_canonical_form(text):
    from taskapi.http.identifiers import canonical_username

    assert canonical_username(text) == USERNAME


@pytest.fixture
def app(reused_app):
    return reused_app(RATELIMIT_ENABLED=True, RATELIMIT_RESET_PER_EMAIL="3/hour", RATELIMIT_RESET_PER_IP="100/minute",
                      RATELIMIT_MAIL_PER_IP="100/minute", RATELIMIT_MAIL_PER_RECIPIENT="100/hour",
                      RATELIMIT_REGISTER_PER_IP="100/minute", RATELIMIT_LOGIN_PER_IP="100/minute",
                      RATELIMIT_ACCOUNT_FAILURES="4/minute")


@pytest.fixture
def victim(client):
    """The account every variant aims at; its id."""
    response = client.post("/auth/register", json={"username": USERNAME, "password": PASSWORD, "email": EMAIL})
    assert response.status_code == 201
    return response.get_json()["id"]


def count_users():
    return db.session.scalar(select(func.count()).select_from(User))


def register_variants(app, client, victim):
    """No variant of the name or the address makes a second account."""
    for number, name in enumerate(USERNAME_VARIANTS):
        response = client.post("/auth/register", json={"username": name, "password": PASSWORD})
        assert response.status_code in (400, 422), (name, response.get_json())
        response = client.post("/auth/register", json={"username": f"other{number}", "password": PASSWORD,
                                                        "email": EMAIL_VARIANTS[number]})
        assert response.status_code == 400 and response.get_json()["detail"] == "Email already registered"
    with app.app_context():
        assert count_users() == 1


def login_variants(app, client, victim, form=False):
    """Every variant signs in to the same account, and every wrong password spends that account's budget."""
    def attempt(name, password):
        if form:
            return client.post("/auth/token", data={"username": name, "password": password})
        return client.post("/auth/login", json={"username": name, "password": password})

    for name in USERNAME_VARIANTS:
        response = attempt(name, PASSWORD)
        assert response.status_code == 200, (name, response.get_json())
        headers = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
        assert client.get("/auth/me", headers=headers).get_json()["id"] == victim
    statuses = [attempt(name, "wrong password here").status_code for name in USERNAME_VARIANTS]
    assert statuses == [401, 401, 401, 401]
    assert attempt(USERNAME, PASSWORD).status_code == 429  # one budget (4/minute), whatever the spelling


def reset_variants(app, client, victim):
    """Reset requests for every variant reach the one account and spend the one per-email budget (3/hour)."""
    statuses = [client.post("/auth/password-reset/request", json={"email": text}).status_code
                for text in EMAIL_VARIANTS]
    assert statuses == [202, 202, 202, 429, 429, 429]
    with app.app_context():
        tokens = db.session.scalars(select(AccountToken).where(AccountToken.purpose == "password_reset")).all()
        assert [(token.user_id, token.email) for token in tokens] == [(victim, EMAIL)]  # each replaced the last


def me_variants(app, client, victim):
    """A variant of the account's own address is no change: no mail, no 202."""
    token = client.post("/auth/login", json={"username": USERNAME, "password": PASSWORD}).get_json()["access_token"]
    for text in EMAIL_VARIANTS:
        response = client.patch("/users/me", json={"email": text, "current_password": PASSWORD},
                                headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and response.get_json()["email"] == EMAIL, text


def passkey_options_variants(app, client, victim):
    """The sign-in options for every variant of a name are bound to the one name: the same stand-in credentials."""
    def credential_ids(text):
        response = client.post("/auth/passkeys/login/options", json={"username": text})
        assert response.status_code == 200
        return [credential["id"] for credential in response.get_json()["allowCredentials"]]

    expected = credential_ids(USERNAME)
    assert expected and all(credential_ids(text) == expected for text in USERNAME_VARIANTS)


def invitation_variants(app, client, victim):
    """Invitations to every variant of an address are to the one address and spend its one budget (3/hour)."""
    assert client.post("/auth/register", json={"username": "host", "password": PASSWORD}).status_code == 201
    token = client.post("/auth/login", json={"username": "host", "password": PASSWORD}).get_json()["access_token"]
    host = {"Authorization": f"Bearer {token}"}
    project = client.post("/projects", json={"name": "Shared"}, headers=host).get_json()["id"]
    statuses = [client.post(f"/projects/{project}/invitations", json={"email": text, "role": "viewer"},
                            headers=host).status_code for text in EMAIL_VARIANTS]
    assert statuses == [201, 201, 201, 429, 429, 429]
    with app.app_context():
        assert set(db.session.scalars(select(ProjectInvitation.email))) == {EMAIL}


CASES = {
    "POST /auth/register": register_variants,
    "POST /register": register_variants,
    "POST /auth/login": login_variants,
    "POST /auth/token": lambda app, client, victim: login_variants(app, client, victim, form=True),
    "POST /token": lambda app, client, victim: login_variants(app, client, victim, form=True),
    "POST /auth/password-reset/request": reset_variants,
    "PATCH /users/me": me_variants,
    "POST /auth/passkeys/login/options": passkey_options_variants,
    "POST /projects/{project_id}/invitations": invitation_variants,
}


def test_every_route_that_takes_an_email_or_a_username_has_a_case():
    assert set(identifier_operations()) == set(CASES)


@pytest.mark.parametrize("operation", identifier_operations())
def test_variants_reach_the_same_account_and_budget(app, client, victim, operation):
    CASES[operation](app, client, victim)
