"""Email verification and email change: a token mailed to an address, spent once."""

from flask_jwt_extended import current_user

from taskapi.auth import mailed
from taskapi.auth.limits import limit_account_tokens, limit_mail
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import AcceptedSchema, MailedTokenSchema
from taskapi.http.scopes import INTERACTIVE

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
    mailed.request_verification(current_user)
    return {"detail": VERIFICATION_SENT}


@bp.route("/auth/verify-email", methods=["POST"])
@limit_account_tokens
@bp.arguments(MailedTokenSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token, or one for an earlier email address")
def verify_email(data):
    """Mark the email address the token was mailed to as verified."""
    mailed.verify_email(data["token"])


@bp.route("/auth/email-change", methods=["POST"])
@limit_account_tokens
@bp.arguments(MailedTokenSchema)
@bp.response(204)
@bp.alt_response(400, description="Invalid, expired or used token, or the new address was taken in the meantime")
def confirm_email_change_view(data):
    """Move the account to the new address the token was mailed to (asked for with PATCH /users/me)."""
    mailed.confirm_email_change(data["token"])
