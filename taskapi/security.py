"""Route guards: ``admin_required`` beside flask-jwt-extended's ``jwt_required``, and their OpenAPI marks."""

from functools import wraps

from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import abort

ADMIN_REQUIRED = "Admin privileges required"
# Operation-level OpenAPI security: a bearer token, obtainable through the OAuth2 password flow.
BEARER_SECURITY = [{"bearerAuth": []}, {"oauth2": []}]


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
