"""Passwords: change (signed in), and reset through a mailed token (signed out)."""

from flask_jwt_extended import current_user

from taskapi.auth import credentials
from taskapi.auth.limits import limit_account_tokens, limit_mail, limit_password_reset, requested_email
from taskapi.auth.mailed import queue_password_reset
from taskapi.auth.signin import Purpose, reauthenticated
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import (
    AcceptedSchema,
    PasswordChangeSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    TokenSchema,
)
from taskapi.http.headers import NO_STORE
from taskapi.http.scopes import INTERACTIVE

RESET_ACCEPTED = "If an account has this email address, a password reset link is on its way."


@bp.route("/auth/password", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokenSchema)
@reauthenticated(bp, Purpose.PASSWORD_CHANGE)
def change_password(data):
    """Change the password; every earlier token is refused, and this client gets a fresh pair."""
    return credentials.change_password(current_user, data["new_password"]), 200, NO_STORE


@bp.route("/auth/password-reset/request", methods=["POST"])
@limit_password_reset
@limit_mail(bp, "password_reset", recipient=requested_email)
@bp.arguments(PasswordResetRequestSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(429, description="Too many requests for this client or email address")
@bp.alt_response(503, description="The job queue cannot be written; nothing was queued, try again")
def request_password_reset(data):
    """Mail a reset token if an active account has this email; the answer is the same either way."""
    queue_password_reset(data["email"])
    return {"detail": RESET_ACCEPTED}, 202, NO_STORE


@bp.route("/auth/password-reset", methods=["POST"])
@limit_account_tokens
@bp.arguments(PasswordResetSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token")
def reset_password(data):
    """Set a new password with a mailed token; every existing session is signed out."""
    credentials.reset_password(data["token"], data["new_password"])
