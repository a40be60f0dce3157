"""Email verification through HTTP, with the mail delivered to a real SMTP server (aiosmtpd)."""

import pytest

from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def ada(ada_with_email):
    """Bearer headers of ada, registered with an email address."""
    return {"Authorization": f"Bearer {ada_with_email['access_token']}"}


def request_verification(client, headers, smtp_server, expected_messages=2):
    response = client.post("/auth/verify-email/request", headers=headers)
    assert response.status_code == 202, response.get_json()
    smtp_server.inbox.wait_for(expected_messages)
    return token_in(smtp_server.inbox.last_for(ADA_EMAIL))


def test_verification_end_to_end(client, ada, smtp_server):
    assert client.get("/auth/me", headers=ada).get_json()["email_verified"] is False
    token = request_verification(client, ada, smtp_server)

    message = smtp_server.inbox.messages[1]
    assert message["Subject"] == "Confirm your email address"
    assert message.get_content_type() == "multipart/alternative"
    assert token in message.get_body(preferencelist=("html",)).get_content()

    assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
    assert client.get("/auth/me", headers=ada).get_json()["email_verified"] is True
    assert client.get("/users/me", headers=ada).get_json()["email_verified"] is True


def test_registering_with_an_email_mails_a_verification_token(client, ada, smtp_server):
    welcome = smtp_server.inbox.wait_for(1)[0]
    assert welcome["To"] == ADA_EMAIL
    assert client.post("/auth/verify-email", json={"token": token_in(welcome)}).status_code == 204
    assert client.get("/auth/me", headers=ada).get_json()["email_verified"] is True


def test_a_verification_token_works_once(client, ada, smtp_server):
    token = request_verification(client, ada, smtp_server)
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
    again = client.post("/auth/verify-email", json={"token": token})
    assert again.status_code == 400
    assert again.mimetype == "application/problem+json"


def test_an_unknown_token_is_a_400(client):
    response = client.post("/auth/verify-email", json={"token": "not-a-token-we-issued"})
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The token is invalid, expired or already used"


def test_a_newer_request_replaces_the_older_token(client, ada, smtp_server):
    first = request_verification(client, ada, smtp_server)
    second = request_verification(client, ada, smtp_server, expected_messages=3)
    assert client.post("/auth/verify-email", json={"token": first}).status_code == 400
    assert client.post("/auth/verify-email", json={"token": second}).status_code == 204


def change_email(client, headers, smtp_server, new_address="ada@new.example"):
    """Ask for the change, redeem the token mailed to the new address; the confirmation's response."""
    before = len(smtp_server.inbox.messages)
    asked = client.patch("/users/me", json={"email": new_address, "current_password": PASSWORD}, headers=headers)
    assert asked.status_code == 202, asked.get_json()
    smtp_server.inbox.wait_for(before + 2)  # the token to the new address, the notice to the old one
    return client.post("/auth/email-change", json={"token": token_in(smtp_server.inbox.last_for(new_address))})


def test_removing_the_email_resets_verification(client, ada, smtp_server):
    token = request_verification(client, ada, smtp_server)
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
    removed = client.patch("/users/me", json={"email": None, "current_password": PASSWORD}, headers=ada)
    assert removed.status_code == 200
    assert removed.get_json()["email_verified"] is False


def test_a_token_mailed_to_a_previous_address_verifies_nothing(client, ada, smtp_server):
    token = request_verification(client, ada, smtp_server)
    assert change_email(client, ada, smtp_server).status_code == 204
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 400
    me = client.get("/auth/me", headers=ada).get_json()
    assert me["email"] == "ada@new.example"


def test_no_email_or_already_verified_is_a_409(client, auth, ada, smtp_server):
    no_email = auth.headers("grace")
    assert client.post("/auth/verify-email/request", headers=no_email).status_code == 409
    token = request_verification(client, ada, smtp_server)
    client.post("/auth/verify-email", json={"token": token})
    assert client.post("/auth/verify-email/request", headers=ada).status_code == 409


def test_requesting_verification_needs_a_token(client):
    response = client.post("/auth/verify-email/request")
    assert response.status_code == 401


def test_expired_verification_token_is_refused(make_app, smtp_server, jobs_consumer):
    import time
    from datetime import timedelta

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                   EMAIL_VERIFICATION_MAX_AGE=timedelta(seconds=3))
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL})
    access = client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()["access_token"]
    jobs_consumer(app)  # after the registration's token was replaced: only the second mail goes out
    token = request_verification(client, {"Authorization": f"Bearer {access}"}, smtp_server, expected_messages=1)
    time.sleep(3.2)
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 400


class TestRequireVerifiedEmail:
    @pytest.fixture
    def app(self, make_app, smtp_server, jobs_consumer):
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, REQUIRE_VERIFIED_EMAIL=True)
        jobs_consumer(app)
        return app

    def test_unverified_login_is_403_after_a_correct_password(self, client, auth):
        auth.register("ada", email=ADA_EMAIL)
        response = auth.login("ada")
        assert response.status_code == 403
        assert "not verified" in response.get_json()["detail"]
        assert response.get_json()["error"] == "email_not_verified"
        assert auth.login("ada", "a wrong password entirely").status_code == 401

    def test_login_works_once_the_registration_mail_is_followed(self, client, auth, smtp_server):
        auth.register("ada", email=ADA_EMAIL)
        token = token_in(smtp_server.inbox.wait_for(1)[0])
        assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
        assert auth.login("ada").status_code == 200

    def test_a_password_reset_also_proves_the_address(self, client, auth, smtp_server):
        auth.register("ada", email=ADA_EMAIL)
        smtp_server.inbox.wait_for(1)
        client.post("/auth/password-reset/request", json={"email": ADA_EMAIL})
        token = token_in(smtp_server.inbox.wait_for(2)[1])
        new_password = "a brand new passphrase here"
        reset = client.post("/auth/password-reset", json={"token": token, "new_password": new_password})
        assert reset.status_code == 204
        assert auth.login("ada", new_password).status_code == 200

    def test_admins_are_exempt(self, auth):
        auth.create_admin("root")  # asserts a 200 login inside
