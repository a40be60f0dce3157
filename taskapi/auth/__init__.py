"""Authentication blueprint: registration, login, tokens, the current user."""

from taskapi.api import Blueprint

bp = Blueprint("auth", __name__, description="Registration, login and tokens")

from taskapi.auth import account_routes, routes, session_routes, two_factor_routes  # noqa: E402,F401  (registers the views on bp)
