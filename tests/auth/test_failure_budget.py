"""Per-account failure budgets (database): logins and re-authentication share one budget per account.

The per-address limits are off here (as in the rest of the suite), so every 429 comes from the budget,
which is always on.
"""

import time

import pyotp
import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import FailureBudget
from tests.conftest import PASSWORD, all_at_once

WRONG = "wrong password, nice try"
TOO_MANY = "Too many failed attempts for this account; retry later."


def login(client, username="ada", password=WRONG, form=False, **extra):
    if form:
        return client.post("/auth/token", data={"username": username, "password": password, **extra})
    return client.post("/auth/login", json={"username": username, "password": password, **extra})


def assert_budget_429(response, max_wait=60):
    assert response.status_code == 429, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == TOO_MANY
    assert 0 < int(response.headers["Retry-After"]) <= max_wait


def next_code(secret):
    """A valid code nobody has used yet: the next 30-second step's (accepted for clock drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def ada(auth):
    return auth.headers("ada")


@pytest.fixture
def ada_2fa(client, ada):
    """ada with 2FA on: (headers, secret, recovery codes)."""
    secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=ada).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", json={"code": pyotp.TOTP(secret).now(), "current_password": PASSWORD},
                          headers=ada)
    assert enabled.status_code == 200
    return ada, secret, enabled.get_json()["recovery_codes"]


@pytest.mark.parametrize("username", ["ada", "nobody-here"])
def test_sixth_failure_is_429_for_an_account_or_an_unknown_name(client, ada, username):
    assert [login(client, username).status_code for _ in range(5)] == [401] * 5
    assert_budget_429(login(client, username))
    assert_budget_429(login(client, username, PASSWORD))  # no oracle: the right password is not even checked


def test_an_unknown_name_and_an_account_are_refused_alike(client, ada):
    for name in ("ada", "nobody-here"):
        for _ in range(5):
            login(client, name)
    known, unknown = login(client, "ada"), login(client, "nobody-here")
    assert known.get_json() == unknown.get_json()
    assert sorted(known.headers.keys()) == sorted(unknown.headers.keys())


def test_login_and_token_and_any_case_share_the_budget(client, ada):
    for _ in range(3):
        login(client, "Ada")
    for _ in range(2):
        login(client, "ADA", form=True)
    assert_budget_429(login(client, "ada", PASSWORD, form=True))
    assert_budget_429(login(client, "ada", PASSWORD))


def test_other_accounts_keep_their_budget(client, auth, ada):
    assert auth.register("bob").status_code == 201
    for _ in range(6):
        login(client, "ada")
    assert login(client, "bob").status_code == 401
    assert login(client, "bob", PASSWORD).status_code == 200


def test_successes_cost_nothing_and_reset_nothing(client, ada):
    for _ in range(4):
        login(client, "ada")
    assert [login(client, "ada", PASSWORD).status_code for _ in range(6)] == [200] * 6
    assert login(client, "ada").status_code == 401  # the fifth failure: the four before it still count
    assert_budget_429(login(client, "ada", PASSWORD))


def test_signed_in_password_checks_share_the_login_budget(client, ada):
    wrong_change = client.post("/auth/password", headers=ada,
                               json={"current_password": WRONG, "new_password": "a new passphrase 42"})
    assert wrong_change.status_code == 400
    assert client.patch("/users/me", json={"current_password": WRONG, "email": None}, headers=ada).status_code == 400
    assert client.delete("/users/me", json={"password": WRONG}, headers=ada).status_code == 400
    assert [login(client, "ada").status_code for _ in range(2)] == [401, 401]
    # Five failures from four routes: every check, with the right password, is now refused.
    assert_budget_429(login(client, "ada", PASSWORD))
    assert_budget_429(client.post("/auth/password", json={"current_password": PASSWORD,
                                                          "new_password": "a new passphrase 42"}, headers=ada))
    assert_budget_429(client.patch("/users/me", json={"current_password": PASSWORD, "email": None}, headers=ada))
    assert_budget_429(client.delete("/users/me", json={"password": PASSWORD}, headers=ada))
    assert client.get("/users/me", headers=ada).status_code == 200  # nothing changed, nothing deleted


def test_a_spent_budget_refuses_a_stolen_token_before_it_checks_the_password(client, ada):
    for _ in range(5):
        client.delete("/users/me", json={"password": WRONG}, headers=ada)
    assert_budget_429(client.delete("/users/me", json={"password": PASSWORD}, headers=ada))
    assert client.get("/users/me", headers=ada).status_code == 200


def test_wrong_two_factor_codes_count_at_login_and_when_disabling(client, ada_2fa):
    headers, secret, recovery_codes = ada_2fa
    wrong_code = "000000" if next_code(secret) != "000000" else "111111"
    assert login(client, "ada", PASSWORD, otp=wrong_code).status_code == 401
    assert login(client, "ada", PASSWORD, otp="not-a-code").status_code == 401
    for _ in range(3):  # right password (gives its unit back), wrong code (keeps it)
        refused = client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": wrong_code}, headers=headers)
        assert refused.status_code == 400
    assert_budget_429(client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": next_code(secret)},
                                  headers=headers))
    assert_budget_429(login(client, "ada", PASSWORD, otp=recovery_codes[0]))
    assert client.get("/auth/me", headers=headers).get_json()["two_factor_enabled"] is True


def test_wrong_codes_when_enabling_count(client, ada):
    secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=ada).get_json()["secret"]
    wrong_code = "000000" if next_code(secret) != "000000" else "111111"
    for _ in range(5):
        assert client.post("/auth/2fa/enable", json={"code": wrong_code, "current_password": PASSWORD},
                           headers=ada).status_code == 400
    assert_budget_429(client.post("/auth/2fa/enable", json={"code": next_code(secret), "current_password": PASSWORD},
                                  headers=ada))


def test_a_right_code_spends_nothing_and_stays_spent(client, ada_2fa):
    headers, secret, recovery_codes = ada_2fa
    assert login(client, "ada", PASSWORD, otp=recovery_codes[0]).status_code == 200
    assert login(client, "ada", PASSWORD, otp=recovery_codes[0]).status_code == 401  # used: a failure
    for _ in range(4):
        login(client, "ada")
    assert_budget_429(login(client, "ada", PASSWORD, otp=recovery_codes[1]))


def test_the_budget_frees_when_its_window_ends(make_app):
    client = make_app(RATELIMIT_ACCOUNT_FAILURES="2 per 2 seconds").test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    assert [login(client).status_code for _ in range(2)] == [401, 401]
    refused = login(client, "ada", PASSWORD)
    assert_budget_429(refused, max_wait=2)
    time.sleep(int(refused.headers["Retry-After"]) + 0.1)
    assert login(client, "ada", PASSWORD).status_code == 200


def test_the_longer_window_holds_after_the_shorter_one_ends(make_app):
    client = make_app(RATELIMIT_ACCOUNT_FAILURES="2 per 1 second;3 per 1 hour").test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    assert [login(client).status_code for _ in range(2)] == [401, 401]
    time.sleep(1.1)
    assert login(client).status_code == 401
    time.sleep(1.1)
    refused = login(client, "ada", PASSWORD)
    assert_budget_429(refused, max_wait=3600)
    assert int(refused.headers["Retry-After"]) > 3500


def test_failures_sent_together_are_counted_exactly(app, ada):
    # Each request takes its unit before checking: 12 guesses at once get exactly 5 checks.
    statuses = all_at_once(12, lambda _: login(app.test_client()).status_code)
    assert sorted(statuses) == [401] * 5 + [429] * 7


def test_budget_is_on_even_with_rate_limits_off(make_app):
    client = make_app(RATELIMIT_ENABLED=False, RATELIMIT_ACCOUNT_FAILURES="1/minute").test_client()
    assert [login(client).status_code for _ in range(3)] == [401, 429, 429]


def test_an_unparseable_budget_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="RATELIMIT_ACCOUNT_FAILURES"):
        make_app(RATELIMIT_ACCOUNT_FAILURES="lots")


def test_a_name_nobody_has_is_stored_only_as_a_hash(app, client):
    login(client, "my-Password-in-the-username-field")
    with app.app_context():
        keys = db.session.scalars(select(FailureBudget.key)).all()
    assert keys and all(key.startswith("name:") and "password" not in key.lower() for key in keys)


def test_purge_deletes_ended_windows_only(make_app):
    app = make_app(RATELIMIT_ACCOUNT_FAILURES="5 per 1 second")
    client = app.test_client()
    login(client, "gone-soon")
    time.sleep(1.1)
    app.config["RATELIMIT_ACCOUNT_FAILURES"] = "5/hour"
    login(client, "still-counting")
    result = app.test_cli_runner().invoke(args=["tokens", "purge"])
    assert result.exit_code == 0 and "Removed 1 " in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FailureBudget)) == 1
