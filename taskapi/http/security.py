"""Bearer tokens on the wire: the header's scheme in any case, and the schemes /openapi.json declares."""

import re

from flask import request

# Operation-level OpenAPI security: a bearer token, obtainable through the OAuth2 password flow.
BEARER_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"oauth2": []}]
# g flag, set before a session JWT or access token is checked on a route of a ``Blueprint(account_identity=True)``:
# the check then makes current_user an AccountIdentity (taskapi/auth/sessions/identity.py).
IDENTITY_ONLY = "_taskapi_identity_only"
# RFC 6750 / RFC 9110: the auth scheme is case-insensitive; one token68 after it.
BEARER_PATTERN = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


def bearer_token():
    """The token of the request's ``Authorization: Bearer`` header (any case of the scheme), or None."""
    match = BEARER_PATTERN.match(request.environ.get("HTTP_AUTHORIZATION", ""))  # the header, as WSGI keeps it
    return match.group(1) if match else None


def normalize_bearer_scheme():
    """Rewrite ``bearer``/``BEARER`` to the ``Bearer`` flask-jwt-extended expects (before each request)."""
    token = bearer_token()
    if token is not None:
        request.environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"


def register_security_schemes(api):
    """Declare the bearer and OAuth2 password schemes in the OpenAPI document."""
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.components.security_scheme(
        "oauth2", {"type": "oauth2", "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}}})
