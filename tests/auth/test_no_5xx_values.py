"""No 5xx from any value (issue 31, class 5): datetime extremes with offsets, non-ASCII digits as codes."""

import time

import pyotp
import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import FailureBudget, SecurityEvent
from tests.conftest import PASSWORD
from tests.operations import operations, params

FILTERED = [op for op in operations(method="GET") if {"since", "until"} & set(op.query)]
OUT_OF_RANGE = ["0001-01-01T00:00:00+05:00", "0001-01-01T04:59:59+05:00", "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-05:00", "9999-12-31T20:00:00-14:00", "9999-12-31T23:59:59.999999-00:01"]
IN_RANGE = ["0001-01-01T00:00:00+00:00", "0001-01-01T05:00:00+05:00", "9999-12-31T23:59:59+00:00",
            "9999-12-31T23:59:59+05:00", "2026-12-06T10:00:00-12:00"]
# Decimal digits of other scripts, full-width and mathematical ones: ``\d`` matches every one of them.
UNICODE_DIGITS = ["１２３４５６", "١٢٣٤٥٦", "۱۲۳۴۵۶", "१२३४५६", "𝟏𝟐𝟑𝟒𝟓𝟔", "12345６", "߁߂߃߄߅߆"]


def test_the_generated_list_finds_every_event_listing():
    assert {str(op) for op in FILTERED} >= {"GET /auth/events", "GET /events", "GET /users/{user_id}/events"}


@pytest.mark.parametrize("operation", params(FILTERED))
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_datetime_filter_out_of_range_is_422_and_extremes_in_range_are_200(client, admin_headers, operation, name):
    admin_id = client.get("/auth/me", headers=admin_headers).get_json()["id"]
    url = operation.url(admin_id)
    for value in OUT_OF_RANGE:
        response = client.get(url, query_string={name: value}, headers=admin_headers)
        assert response.status_code == 422, (value, response.get_data(as_text=True)[:200])
        assert response.mimetype == "application/problem+json"
        assert name in response.get_json()["errors"]
    for value in IN_RANGE:
        response = client.get(url, query_string={name: value}, headers=admin_headers)
        assert response.status_code == 200, (value, response.get_data(as_text=True)[:200])


@pytest.fixture
def two_factor_ada(client, auth):
    """ada with 2FA on: (headers, secret)."""
    headers = auth.headers("ada")
    secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=headers).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", json={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()},
                          headers=headers)
    assert enabled.status_code == 200
    return headers, secret


def spent_units(app):
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(FailureBudget.failures), 0))
                                 .where(FailureBudget.key.like("user:%"), FailureBudget.period == 60))


def failures(app, event_type):
    with app.app_context():
        return db.session.scalars(select(SecurityEvent).where(SecurityEvent.type == event_type)
                                  .order_by(SecurityEvent.id)).all()


def sign_in_attempts(client, otp):
    """Each way a code reaches a sign-in check: one request each."""
    yield client.post("/auth/login", json={"username": "ada", "password": PASSWORD, "otp": otp})
    yield client.post("/auth/token", data={"username": "ada", "password": PASSWORD, "otp": otp})
    first = client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    yield client.post("/auth/login/2fa", json={"mfa_token": first.get_json()["mfa_token"], "otp": otp})


@pytest.mark.parametrize("otp", UNICODE_DIGITS)
def test_non_ascii_digits_are_a_failed_sign_in_like_any_other(app, client, two_factor_ada, otp):
    for number, response in enumerate(sign_in_attempts(client, otp), start=1):
        assert response.status_code == 401, response.get_data(as_text=True)[:300]
        assert response.get_json()["error"] == "mfa_invalid"
        assert spent_units(app) == number  # each spends one unit of the budget, as a wrong code does
        events = failures(app, "login.failed")
        assert len(events) == number and events[-1].details == {"reason": "code"}


@pytest.mark.parametrize("otp", UNICODE_DIGITS)
def test_non_ascii_digits_at_the_2fa_routes_are_a_failed_check(app, client, auth, two_factor_ada, otp):
    headers, _ = two_factor_ada
    disable = client.post("/auth/2fa/disable", json={"current_password": PASSWORD, "code": otp}, headers=headers)
    assert disable.status_code == 400, disable.get_data(as_text=True)[:300]
    grace = auth.headers("grace")
    client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=grace)
    enable = client.post("/auth/2fa/enable", json={"current_password": PASSWORD, "code": otp}, headers=grace)
    assert enable.status_code == 400, enable.get_data(as_text=True)[:300]
    assert spent_units(app) == 2
    events = failures(app, "reauth.failed")
    assert [(event.details["purpose"], event.details["factor"]) for event in events] == [
        ("2fa_disable", "code"), ("2fa_enable", "code")]
    assert all(otp not in str(event.details) for event in events)
    assert client.get("/auth/me", headers=headers).get_json()["two_factor_enabled"] is True


def test_a_right_ascii_code_still_signs_in(client, two_factor_ada):
    _, secret = two_factor_ada
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD, "otp": code}).status_code == 200
