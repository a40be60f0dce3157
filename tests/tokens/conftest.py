"""Fixtures for personal access tokens: create one through HTTP, as a client would."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def make_token(client):
    """``make(headers, scopes, **fields)``: POST /auth/tokens and return the 201 document (with ``token``)."""
    counter = iter(range(1, 10_000))

    def make(headers, scopes, password=PASSWORD, **fields):
        body = {"name": f"token {next(counter)}", "scopes": list(scopes), "expires_in_days": 30,
                "current_password": password, **fields}
        response = client.post("/auth/tokens", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def bearer(token):
    """Authorization headers for a token (the document POST /auth/tokens answered, or the string)."""
    return {"Authorization": f"Bearer {token['token'] if isinstance(token, dict) else token}"}
