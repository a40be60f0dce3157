"""HTTP steps of the passkey ceremonies, as a page would run them with the software authenticator."""

from tests.auth.webauthn_authenticator import SoftAuthenticator
from tests.conftest import PASSWORD


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def register_options(client, headers, password=PASSWORD, otp=None):
    body = {"current_password": password, **({"otp": otp} if otp else {})}
    response = client.post("/auth/passkeys/register/options", headers=headers, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def add_passkey(client, headers, name="Laptop", authenticator=None, password=PASSWORD, otp=None):
    """Register a new passkey through HTTP (``otp`` for an account with 2FA on); returns (authenticator, document)."""
    authenticator = authenticator or SoftAuthenticator()
    credential = authenticator.create(register_options(client, headers, password, otp))
    response = client.post("/auth/passkeys/register", headers=headers, json={"credential": credential, "name": name})
    assert response.status_code == 201, response.get_json()
    return authenticator, response.get_json()


def login_options(client, username=None):
    response = client.post("/auth/passkeys/login/options", json={"username": username} if username else {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def passkey_login(client, authenticator, username=None, **assertion):
    """Ask for options and answer them with ``authenticator``; the login response."""
    credential = authenticator.get(login_options(client, username), **assertion)
    return client.post("/auth/passkeys/login", json={"credential": credential})
