"""Passwords: change (signed in), and reset through a mailed token (signed out)."""

from flask_jwt_extended import current_user
from flask_smorest import abort
from marshmallow import ValidationError

from taskapi.auth.audit.events import record
from taskapi.auth.credentials.mailed_tokens import find_token, invalidate_tokens, spend_token
from taskapi.auth.credentials.passwords import hash_password
from taskapi.auth.limits import limit_account_tokens, limit_mail, limit_password_reset, requested_email
from taskapi.auth.mailed.account_mails import queue_password_reset
from taskapi.auth.sessions.access_tokens import live_token_names, revoke_all_tokens
from taskapi.auth.sessions.sessions import revoke_all_sessions, start_session
from taskapi.auth.signin.reauth import Purpose, reauthenticated
from taskapi.auth.user_schemas import check_new_password
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
from taskapi.models import TokenPurpose
from taskapi.signals import SecurityEventType

RESET_ACCEPTED = "If an account has this email address, a password reset link is on its way."


@bp.route("/auth/password", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokenSchema)
@reauthenticated(bp, Purpose.PASSWORD_CHANGE)
def change_password(data):
    """Change the password; every earlier token is refused, and this client gets a fresh pair."""
    user = current_user
    user.password_hash = hash_password(data["new_password"])
    invalidate_tokens(user)  # no mailed token (a change asked for with the old password...) outlives it
    revoke_all_sessions(user)
    # Personal access tokens survive the owner's own change (docs/security.md); the notice names them.
    tokens = live_token_names(user)
    details = {"access_tokens": tokens} if tokens else {}
    return start_session(user, event=SecurityEventType.PASSWORD_CHANGED, **details), 200, NO_STORE


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
    row, user = find_token(data["token"], TokenPurpose.PASSWORD_RESET)
    try:
        check_new_password(data["new_password"], "new_password", user.username, user.email)
    except ValidationError as error:
        abort(422, errors=error.normalized_messages())
    new_hash = hash_password(data["new_password"])  # before spending: no row lock held while bcrypt runs
    spend_token(row)
    user.password_hash = new_hash
    user.email_verified = True  # the token reached this address: it is the user's
    invalidate_tokens(user)  # no other mailed token (an email change asked for...) outlives the reset
    revoke_all_sessions(user)
    revoke_all_tokens(user, by="password_reset")  # a reset means the account may have been taken
    record(SecurityEventType.PASSWORD_RESET, user)
