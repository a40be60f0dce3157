"""Sessions: refresh with rotation, logout, logout everywhere."""

from functools import wraps

from flask import g
from flask_jwt_extended import current_user, get_jwt

from taskapi.auth import sessions
from taskapi.auth.limits import limit_refresh
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import LogoutSchema, RefreshSchema, TokenSchema
from taskapi.errors import NOT_AUTHENTICATED, unauthorized
from taskapi.http.headers import NO_STORE
from taskapi.http.parsing import peek_json_string
from taskapi.http.scopes import INTERACTIVE, SCOPE_EXTENSION
from taskapi.http.security import BEARER_SECURITY, bearer_token


def presented_refresh_token():
    """The refresh token of the request: a string ``refresh_token`` in a JSON body, else the Bearer token."""
    return peek_json_string("refresh_token") or bearer_token()


def refresh_token_verified(view):
    """Verify the presented refresh token before the body is validated, so 401 comes first here too.

    The verified (user, claims) wait in ``g.refresh_credential`` for the view to spend.
    """
    @wraps(view)
    def verified_first(*args, **kwargs):
        encoded = presented_refresh_token()
        if not encoded:
            raise unauthorized(NOT_AUTHENTICATED, token_rejected=False)
        g.refresh_credential = sessions.verify_refresh_token(encoded)
        return view(*args, **kwargs)
    return verified_first


@bp.route("/auth/refresh", methods=["POST"])
@limit_refresh
@refresh_token_verified
@bp.arguments(RefreshSchema, required=False)  # the refresh token may come as a Bearer header
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="Missing, invalid, spent or revoked refresh token")
@bp.doc(security=BEARER_SECURITY)  # the refresh token may come as the Bearer token
@bp.doc(**{SCOPE_EXTENSION: INTERACTIVE})  # a session's refresh token only: an access token is refused (401)
def refresh(data):
    """Trade a refresh token (JSON ``refresh_token``, or Bearer) for a new pair; the old one is spent."""
    return sessions.spend(*g.refresh_credential), 200, NO_STORE


@bp.route("/auth/logout", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(LogoutSchema, required=False)  # a body only to name a refresh token to end too
@bp.response(204)
def logout(data):
    """End this session: the access token and its refresh family stop working at once."""
    sessions.logout(current_user, get_jwt()["fam"], data.get("refresh_token"))


@bp.route("/auth/logout-all", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
def logout_all():
    """End every session of the caller, on every device."""
    sessions.end_all_sessions(current_user)
