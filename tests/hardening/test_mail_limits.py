"""No mail flood: every route that can send mail has a per-client and a per-recipient budget, found from
/openapi.json and the mail templates, and each bites."""

from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import PASSWORD
from tests.operations import SPEC

TEMPLATES = Path(__file__).resolve().parents[2] / "taskapi" / "mail" / "templates"
# Templates no route sends to an address a request names, and what bounds them instead.
NOT_SENT_BY_ROUTES = {
    "reminder_digest": "the daily digest: one per account and local day, sent by the periodic scan",
    "security_notice": "a notice to the account's own address after a change its owner re-authenticated for",
    "token_expiry": "one reminder per access token, to its owner's own address, sent by the periodic scan",
    "webhook_disabled": "to the project's admins when the delivery job disables a failing endpoint",
}
STRANGER = "stranger@example.com"
MAILS_EXTENSION, LIMITS_EXTENSION = "x-mails", "x-rate-limits"  # as taskapi.auth.limits declares them


def mailing_operations():
    """{"METHOD /path": operation} of every operation that declares the mails it can send."""
    return {f"{method.upper()} {path}": operation for path, item in SPEC["paths"].items()
            for method, operation in item.items() if method != "parameters" and MAILS_EXTENSION in operation}


def test_every_template_is_sent_by_a_route_that_declares_it_or_is_named_here():
    templates = {path.stem for path in TEMPLATES.iterdir() if path.suffix in (".txt", ".html")}
    declared = {name for operation in mailing_operations().values() for name in operation[MAILS_EXTENSION]}
    assert declared <= templates, "an operation declares a template that does not exist"
    assert templates - declared == set(NOT_SENT_BY_ROUTES), (
        "a mail template is sent by no operation that declares it (limit_mail): " f"{templates - declared}")


@pytest.mark.parametrize("key", sorted(mailing_operations()))
def test_every_route_that_mails_documents_both_budgets_and_its_429(key):
    operation = mailing_operations()[key]
    assert {"client", "recipient"} <= set(operation[LIMITS_EXTENSION])
    assert "429" in operation["responses"]


def test_a_mail_queued_without_a_recipient_budget_is_refused_in_tests():
    from taskapi.auth.limits import check_recipient_limited

    app = Flask(__name__)
    app.testing = True
    with app.test_request_context("/"):
        with pytest.raises(RuntimeError, match="per-recipient limit"):
            check_recipient_limited(STRANGER)


@pytest.fixture
def app(reused_app):
    # No consumer: the budgets are spent by the requests; the jobs stay queued.
    return reused_app(RATELIMIT_ENABLED=True, RATELIMIT_MAIL_PER_RECIPIENT="3/hour", RATELIMIT_MAIL_PER_IP="100/hour",
                      RATELIMIT_RESET_PER_EMAIL="100/hour", RATELIMIT_RESET_PER_IP="100/minute",
                      RATELIMIT_REGISTER_PER_IP="100/minute", RATELIMIT_VERIFY_PER_IP="100/minute",
                      RATELIMIT_LOGIN_PER_IP="100/minute")


def bearer(client, username, email=None):
    assert client.post("/auth/register", json={"username": username, "password": PASSWORD,
                                               "email": email}).status_code == 201
    token = client.post("/auth/login", json={"username": username, "password": PASSWORD}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def register(client, number, address):
    return client.post("/auth/register", json={"username": f"user{number}", "password": PASSWORD, "email": address})


def register_legacy(client, number, address):
    return client.post("/register", json={"username": f"user{number}", "password": PASSWORD, "email": address})


def reset(client, number, address):
    return client.post("/auth/password-reset/request", json={"email": address})


def verify(client, number, address):
    """Mails the caller's own address: the account the test made with it asks again and again."""
    return client.post("/auth/verify-email/request", headers=VERIFY_HEADERS[0])


def change_email(client, number, address):
    headers = bearer(client, f"sender{number}")  # a new sender each time: the recipient's budget still bites
    return client.patch("/users/me", json={"email": address, "current_password": PASSWORD}, headers=headers)


def invite(client, number, address):
    headers = bearer(client, f"host{number}")  # a new inviter and project each time: the recipient's budget bites
    project = client.post("/projects", json={"name": f"project {number}"}, headers=headers).get_json()["id"]
    return client.post(f"/projects/{project}/invitations", json={"email": address, "role": "viewer"}, headers=headers)


VERIFY_HEADERS = []
CASES = {
    "POST /auth/register": register,
    "POST /register": register_legacy,
    "POST /auth/password-reset/request": reset,
    "POST /auth/verify-email/request": verify,
    "PATCH /users/me": change_email,
    "POST /projects/{project_id}/invitations": invite,
}
VARIANTS = [STRANGER, "STRANGER@example.com", "stranger@ｅxample.com", "stranger@example。com", STRANGER]


def test_every_route_that_mails_has_a_case():
    assert set(mailing_operations()) == set(CASES)


@pytest.mark.parametrize("key", sorted(mailing_operations()))
def test_the_recipient_budget_bites_whatever_the_spelling(client, key):
    if key == "POST /auth/verify-email/request":
        VERIFY_HEADERS[:] = [bearer(client, "owner", STRANGER)]  # its sign-up mail spent one unit
        expected = [202, 202, 429, 429]
    elif key in ("POST /auth/register", "POST /register"):
        expected = [201, 400, 400, 429]  # the first takes the address; later ones are refused, and still count
    elif key == "POST /projects/{project_id}/invitations":
        expected = [201, 201, 201, 429]
    else:
        expected = [202, 202, 202, 429]
    statuses = [CASES[key](client, number, VARIANTS[number]).status_code for number in range(4)]
    assert statuses == expected


def test_patch_me_cannot_flood_a_stranger(client):
    headers = bearer(client, "mallory")
    statuses = [client.patch("/users/me", json={"email": STRANGER, "current_password": PASSWORD},
                             headers=headers).status_code for _ in range(15)]
    assert statuses == [202] * 3 + [429] * 12
    refused = client.patch("/users/me", json={"email": STRANGER, "current_password": PASSWORD}, headers=headers)
    assert refused.headers["Retry-After"] and refused.mimetype == "application/problem+json"
