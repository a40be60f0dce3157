"""Authentication blueprint: registration, login, sessions, passwords, email verification, two-factor."""

from taskapi.http.api import Blueprint

bp = Blueprint("auth", __name__, description="Registration, login and tokens")

from taskapi.auth.views import access_tokens, email, login, passkeys, passwords, security, sessions, two_factor  # noqa: E402,F401  (registers the views on bp)
