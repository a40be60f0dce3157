"""Route guards: ``admin_required`` beside flask-jwt-extended's ``jwt_required``, and their OpenAPI marks."""

import re
from functools import wraps

from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import abort

ADMIN_REQUIRED = "Admin privileges required"
# Operation-level OpenAPI security: a bearer token, obtainable through the OAuth2 password flow.
BEARER_SECURITY = [{"bearerAuth": []}, {"oauth2": []}]
# RFC 6750 / RFC 9110: the auth scheme is case-insensitive; one token68 after it.
BEARER_PATTERN = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


def bearer_token(request):
    """The token of an ``Authorization: Bearer`` header (any case of the scheme), or None."""
    match = BEARER_PATTERN.match(request.headers.get("Authorization", ""))
    return match.group(1) if match else None


def normalize_bearer_scheme():
    """Rewrite ``bearer``/``BEARER`` to the ``Bearer`` flask-jwt-extended expects (before each request)."""
    from flask import request

    token = bearer_token(request)
    if token is not None:
        request.environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"


def admin_required():
    """Like ``jwt_required()``, then 403 unless the caller's current role is admin.

    The role is read from the database user, not the token, so a demotion bites at once.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            verify_jwt_in_request()
            if not current_user.is_admin:
                abort(403, message=ADMIN_REQUIRED)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def register_security_schemes(api):
    """Declare the bearer and OAuth2 password schemes in the OpenAPI document."""
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    api.spec.components.security_scheme(
        "oauth2",
        {"type": "oauth2", "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}}},
    )
