"""TOTP two-factor authentication: set up and enable (password, then a first code), disable (password and code)."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from taskapi.auth import two_factor
from taskapi.auth.reauth import Purpose, confirm_second_factor, reauthenticate
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import (
    RecoveryCodesSchema,
    TwoFactorDisableSchema,
    TwoFactorEnableSchema,
    TwoFactorSetupRequestSchema,
    TwoFactorSetupSchema,
)
from taskapi.http.headers import NO_STORE
from taskapi.http.scopes import INTERACTIVE

ALREADY_ENABLED = "Two-factor authentication is already enabled; disable it first to start over"


@bp.route("/auth/2fa/setup", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorSetupRequestSchema)
@bp.response(200, TwoFactorSetupSchema)
@bp.alt_response(400, description="Current password is incorrect")
@bp.alt_response(409, description="2FA is already enabled")
def setup_two_factor(data):
    """Create a new TOTP secret (not active until enabled with a code) and its QR code; needs the password."""
    if current_user.totp_enabled:
        abort(409, message=ALREADY_ENABLED)
    reauthenticate(current_user, data, Purpose.TWO_FACTOR_SETUP)
    return two_factor.start_setup(current_user), 200, NO_STORE


@bp.route("/auth/2fa/enable", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorEnableSchema)
@bp.response(200, RecoveryCodesSchema)
@bp.alt_response(400, description="Wrong password or code")
@bp.alt_response(409, description="No setup started, or 2FA already enabled")
def enable_two_factor(data):
    """Turn 2FA on with the password and a first valid code; answers 10 single-use recovery codes, shown only now."""
    user = current_user
    if user.totp_enabled:
        abort(409, message=ALREADY_ENABLED)
    if not user.totp_secret:
        abort(409, message="Start with POST /auth/2fa/setup")
    reauthenticate(user, data, Purpose.TWO_FACTOR_ENABLE)
    confirm_second_factor(user, data["code"], Purpose.TWO_FACTOR_ENABLE, totp_only=True)
    return {"recovery_codes": two_factor.enable(user)}, 200, NO_STORE


@bp.route("/auth/2fa/disable", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorDisableSchema)
@bp.response(204)
@bp.alt_response(400, description="Wrong password or code")
@bp.alt_response(409, description="2FA is not enabled")
def disable_two_factor(data):
    """Turn 2FA off; needs the current password (or ``password``) and a TOTP or recovery code (``code`` or ``otp``)."""
    user = current_user
    if not user.totp_enabled:
        abort(409, message="Two-factor authentication is not enabled")
    reauthenticate(user, data, Purpose.TWO_FACTOR_DISABLE)
    two_factor.disable(user)
