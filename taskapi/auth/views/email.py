"""Email verification and email change: a token mailed to an address, spent once."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from taskapi.auth.audit.events import record
from taskapi.auth.credentials.mailed_tokens import find_token, spend_token
from taskapi.auth.limits import limit_account_tokens, limit_mail
from taskapi.auth.mailed.account_mails import queue_verification_mail
from taskapi.auth.mailed.email_change import confirm_email_change
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import AcceptedSchema, MailedTokenSchema
from taskapi.http.scopes import INTERACTIVE
from taskapi.models import TokenPurpose
from taskapi.signals import SecurityEventType

VERIFICATION_SENT = "A verification link is on its way to your email address."


@bp.route("/auth/verify-email/request", methods=["POST"])
@limit_account_tokens
@bp.protected(scope=INTERACTIVE)
@limit_mail(bp, "verify_email", recipient=lambda: current_user.email)
@bp.response(202, AcceptedSchema)
@bp.alt_response(409, description="No email address on the account, or it is already verified")
@bp.alt_response(503, description="The job queue cannot be written; nothing was queued, try again")
def request_email_verification():
    """Mail a verification token to the caller's email address."""
    user = current_user
    if not user.email:
        abort(409, message="This account has no email address; add one with PATCH /users/me first")
    if user.email_verified:
        abort(409, message="This email address is already verified")
    queue_verification_mail(user)
    return {"detail": VERIFICATION_SENT}


@bp.route("/auth/verify-email", methods=["POST"])
@limit_account_tokens
@bp.arguments(MailedTokenSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token, or one for an earlier email address")
def verify_email(data):
    """Mark the email address the token was mailed to as verified."""
    row, user = find_token(data["token"], TokenPurpose.VERIFY_EMAIL)
    spend_token(row)
    user.email_verified = True
    record(SecurityEventType.EMAIL_VERIFIED, user)


@bp.route("/auth/email-change", methods=["POST"])
@limit_account_tokens
@bp.arguments(MailedTokenSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token, or the new address was taken in the meantime")
def confirm_email_change_view(data):
    """Move the account to the new address the token was mailed to (asked for with PATCH /users/me)."""
    confirm_email_change(data["token"])
