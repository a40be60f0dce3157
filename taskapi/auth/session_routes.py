"""Session views: refresh with rotation, logout, logout everywhere, password change."""

from flask import request
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_smorest import abort

from taskapi.account_tokens import invalidate_tokens
from taskapi.auth import bp
from taskapi.auth.routes import NO_STORE
from taskapi.auth.schemas import LogoutSchema, PasswordChangeSchema, RefreshSchema, TokenSchema
from taskapi.errors import NOT_AUTHENTICATED
from taskapi.extensions import db
from taskapi.passwords import hash_password, verify_password
from taskapi.rate_limits import limit_refresh
from taskapi.security import BEARER_SECURITY, bearer_token
from taskapi.sessions import revoke_all_sessions, revoke_family, rotate, start_session, verify_refresh_token


@bp.route("/auth/refresh", methods=["POST"])
@limit_refresh
@bp.arguments(RefreshSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="Missing, invalid, spent or revoked refresh token")
@bp.doc(security=BEARER_SECURITY)
def refresh(data):
    """Trade a refresh token (Bearer, or JSON ``refresh_token``) for a new pair; the old one is spent."""
    encoded = data.get("refresh_token") or bearer_token(request)
    if not encoded:
        abort(401, message=NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    return rotate(encoded), 200, NO_STORE


@bp.route("/auth/logout", methods=["POST"])
@jwt_required()
@bp.arguments(LogoutSchema)
@bp.response(204)
@bp.alt_response(401, description="Missing or rejected token")
@bp.doc(security=BEARER_SECURITY)
def logout(data):
    """End this session: the access token and its refresh family stop working at once."""
    revoke_family(get_jwt()["fam"])
    if data.get("refresh_token"):
        try:
            user, claims = verify_refresh_token(data["refresh_token"])
        except Exception:  # an unusable refresh token leaves nothing more to revoke
            user = None
        if user is not None and user.id == current_user.id:
            revoke_family(claims["fam"])
    db.session.commit()


@bp.route("/auth/logout-all", methods=["POST"])
@jwt_required()
@bp.response(204)
@bp.alt_response(401, description="Missing or rejected token")
@bp.doc(security=BEARER_SECURITY)
def logout_all():
    """End every session of the caller, on every device."""
    revoke_all_sessions(current_user)
    db.session.commit()


@bp.route("/auth/password", methods=["POST"])
@jwt_required()
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(400, description="Current password is incorrect")
@bp.alt_response(401, description="Missing or rejected token")
@bp.doc(security=BEARER_SECURITY)
def change_password(data):
    """Change the password; every earlier token is refused, and this client gets a fresh pair."""
    user = current_user
    if not verify_password(data["current_password"], user.password_hash):
        abort(400, message="Current password is incorrect")
    user.password_hash = hash_password(data["new_password"])
    invalidate_tokens(user, "password_reset")
    revoke_all_sessions(user)
    return start_session(user), 200, NO_STORE
