"""The password policy at registration and password change: each rule, boundaries, Unicode."""

import pytest

from tests.conftest import PASSWORD


def register(client, password, username="ada", email=None):
    body = {"username": username, "password": password}
    if email:
        body["email"] = email
    return client.post("/auth/register", json=body)


@pytest.mark.parametrize("length, status", [(7, 422), (8, 201), (64, 201), (1024, 201), (1025, 422)])
def test_length_boundaries(client, length, status):
    password = ("qz7-wx" * 200)[:length]
    response = register(client, password)
    assert response.status_code == status
    if status == 422:
        assert "characters" in response.get_json()["errors"]["password"][0]


@pytest.mark.parametrize("password", ["password", "PASSWORD1", "iloveyou", "qwertyuiop", "Superman"])
def test_common_passwords_are_refused(client, password):
    response = register(client, password)
    assert response.status_code == 422
    # The exact, fixed sentence: the password itself is never echoed.
    assert response.get_json()["errors"]["password"] == [
        "Password is one of the most commonly used passwords; choose another."]


def test_blocklist_has_at_least_20000_entries(app):
    from taskapi.auth.credentials.password_policy import common_passwords

    with app.app_context():
        assert len(frozenset(common_passwords())) >= 20_000


@pytest.mark.parametrize("password", ["xx-Ada-yy-zz", "ADA-lovelace-notes"])
def test_password_containing_username_is_refused(client, password):
    response = register(client, password)
    assert response.status_code == 422
    assert "username" in " ".join(response.get_json()["errors"]["password"])


def test_password_containing_email_local_part_is_refused(client):
    response = register(client, "xx-countess-yy", username="ada", email="countess@example.com")
    assert response.status_code == 422
    assert "email address" in " ".join(response.get_json()["errors"]["password"])


def test_password_containing_a_context_word_is_refused(client):
    response = register(client, "my TaskAPI secret")
    assert response.status_code == 422
    assert "taskapi" in " ".join(response.get_json()["errors"]["password"])


def test_no_composition_rules(client, auth):
    assert register(client, "only lowercase letters here").status_code == 201


UNICODE_PASSWORDS = ["пароль-для-входа", "密码很长很长的一句话", "emoji 🦊🦉🐙 pass", "ｆｕｌｌｗｉｄｔｈ pass"]


@pytest.mark.parametrize("password", UNICODE_PASSWORDS)
def test_any_unicode_is_accepted(client, auth, password):
    assert register(client, password).status_code == 201
    assert auth.login("ada", password).status_code == 200


def test_nfkc_equivalent_passwords_log_in(client, auth):
    assert register(client, "ｆｕｌｌｗｉｄｔｈ pass").status_code == 201
    assert auth.login("ada", "fullwidth pass").status_code == 200


def test_minimum_zxcvbn_score_when_configured(make_app):
    client = make_app(PASSWORD_MIN_SCORE=4).test_client()
    weak = register(client, "abcdefgh1234")
    assert weak.status_code == 422
    assert "too easy to guess" in " ".join(weak.get_json()["errors"]["password"])
    assert register(client, "Tr0ub4dor&3 fjord quill hexagon").status_code == 201


def test_policy_applies_to_password_change(client, user_headers):
    response = client.post("/auth/password", headers=user_headers,
                           json={"current_password": PASSWORD, "new_password": "ada-rocks-123"})
    assert response.status_code == 422
    assert "username" in " ".join(response.get_json()["errors"]["new_password"])
    common = client.post("/auth/password", headers=user_headers,
                         json={"current_password": PASSWORD, "new_password": "password123"})
    assert common.status_code == 422


def test_policy_applies_to_create_admin(runner):
    result = runner.invoke(args=["users", "create-admin", "root"], input="password1\n")
    assert result.exit_code == 1
    assert "most commonly used" in result.output


def test_the_blocklist_is_exactly_zxcvbns_password_list(app):
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    from taskapi.auth.credentials.password_policy import common_passwords

    with app.app_context():
        assert frozenset(common_passwords()) == frozenset(entry.casefold() for entry in FREQUENCY_LISTS["passwords"])
        assert "password" in common_passwords()
        assert "tulip harbor quiet lantern" not in common_passwords()


def test_two_listed_passwords_joined_by_a_newline_are_not_one_listed_password(app):
    # The blocklist is stored newline-delimited; "123456\npassword" must not match across entries.
    from taskapi.auth.credentials.password_policy import common_passwords

    with app.app_context():
        first, second = list(common_passwords())[:2]
        assert first in common_passwords() and second in common_passwords()
        assert f"{first}\n{second}" not in common_passwords()
