"""Sessions: refresh with rotation, logout, logout everywhere."""

from functools import wraps

from flask import g
from flask_jwt_extended import current_user, get_jwt

from taskapi.auth.audit.events import record
from taskapi.auth.limits import limit_refresh
from taskapi.auth.sessions.sessions import (
    public_session_id,
    revoke_all_sessions,
    revoke_family,
    spend,
    verify_refresh_token,
)
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import LogoutSchema, RefreshSchema, TokenSchema
from taskapi.errors import NOT_AUTHENTICATED, DomainError, unauthorized
from taskapi.http.headers import NO_STORE
from taskapi.http.parsing import peek_json_string
from taskapi.http.scopes import INTERACTIVE, SCOPE_EXTENSION
from taskapi.http.security import BEARER_SECURITY, bearer_token
from taskapi.signals import SecurityEventType


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
        g.refresh_credential = verify_refresh_token(encoded)
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
    return spend(*g.refresh_credential), 200, NO_STORE


@bp.route("/auth/logout", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(LogoutSchema, required=False)  # a body only to name a refresh token to end too
@bp.response(204)
def logout(data):
    """End this session: the access token and its refresh family stop working at once."""
    revoke_family(get_jwt()["fam"])
    record(SecurityEventType.LOGOUT, current_user, session_id=public_session_id(get_jwt()["fam"]))
    if data.get("refresh_token"):
        try:
            user, claims = verify_refresh_token(data["refresh_token"])
        except DomainError:  # an unusable refresh token leaves nothing more to revoke
            user = None
        if user is not None and user.id == current_user.id:
            revoke_family(claims["fam"])


@bp.route("/auth/logout-all", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
def logout_all():
    """End every session of the caller, on every device."""
    revoke_all_sessions(current_user)
    record(SecurityEventType.LOGOUT_ALL, current_user)
