"""Email verification and password reset: tokens mailed after the commit, spent once."""

from flask import current_app
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from marshmallow import ValidationError

from taskapi.account_mail import send_password_reset_mail, send_verification_mail
from taskapi.account_tokens import find_token, invalidate_tokens, issue_token, issue_verification_token, spend_token
from taskapi.accounts import find_user_by_email
from taskapi.auth import bp
from taskapi.auth.routes import NO_STORE
from taskapi.auth.schemas import AcceptedSchema, MailedTokenSchema, PasswordResetRequestSchema, PasswordResetSchema
from taskapi.extensions import db
from taskapi.fields import check_new_password
from taskapi.mail import in_background
from taskapi.passwords import hash_password
from taskapi.rate_limits import limit_account_tokens, limit_password_reset
from taskapi.security import BEARER_SECURITY
from taskapi.sessions import revoke_all_sessions

RESET_ACCEPTED = "If an account has this email address, a password reset link is on its way."
VERIFICATION_SENT = "A verification link is on its way to your email address."


@bp.route("/auth/verify-email/request", methods=["POST"])
@limit_account_tokens
@jwt_required()
@bp.response(202, AcceptedSchema)
@bp.alt_response(401, description="Missing or rejected token")
@bp.alt_response(409, description="No email address on the account, or it is already verified")
@bp.doc(security=BEARER_SECURITY)
def request_email_verification():
    """Mail a verification token to the caller's email address."""
    user = current_user
    if not user.email:
        abort(409, message="This account has no email address; add one with PATCH /users/me first")
    if user.email_verified:
        abort(409, message="This email address is already verified")
    send_verification_mail(user, issue_verification_token(user))
    return {"detail": VERIFICATION_SENT}


@bp.route("/auth/verify-email", methods=["POST"])
@limit_account_tokens
@bp.arguments(MailedTokenSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token, or one for an earlier email address")
def verify_email(data):
    """Mark the email address the token was mailed to as verified."""
    row, user = find_token(data["token"], "verify_email")
    spend_token(row)
    user.email_verified = True
    db.session.commit()


@bp.route("/auth/password-reset/request", methods=["POST"])
@limit_password_reset
@bp.arguments(PasswordResetRequestSchema)
@bp.response(202, AcceptedSchema)
@bp.alt_response(429, description="Too many requests for this client or email address")
def request_password_reset(data):
    """Mail a reset token if an active account has this email; the answer is the same either way."""
    # Even the lookup runs after the response: known and unknown addresses cost the request the same.
    in_background(mail_reset_token, data["email"])
    return {"detail": RESET_ACCEPTED}, 202, NO_STORE


def mail_reset_token(email):
    """If an active account has ``email``, give it a new reset token and mail it."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue_token(user, "password_reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    db.session.commit()
    send_password_reset_mail(user, token)


@bp.route("/auth/password-reset", methods=["POST"])
@limit_account_tokens
@bp.arguments(PasswordResetSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token")
def reset_password(data):
    """Set a new password with a mailed token; every existing session is signed out."""
    row, user = find_token(data["token"], "password_reset")
    try:
        check_new_password(data["new_password"], "new_password", user.username, user.email)
    except ValidationError as error:
        abort(422, errors=error.normalized_messages())
    new_hash = hash_password(data["new_password"])  # before spending: no row lock held while bcrypt runs
    spend_token(row)
    user.password_hash = new_hash
    user.email_verified = True  # the token reached this address: it is the user's
    invalidate_tokens(user, "password_reset")
    revoke_all_sessions(user)
    db.session.commit()
