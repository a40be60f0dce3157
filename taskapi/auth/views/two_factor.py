"""TOTP two-factor authentication: set up and enable (password, then a first code), disable (password and code)."""

from flask_jwt_extended import current_user

from taskapi.auth.factors import two_factor
from taskapi.auth.signin.reauth import Purpose, confirm_second_factor, reauthenticated
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
NOT_SET_UP = "Start with POST /auth/2fa/setup"
NOT_ENABLED = "Two-factor authentication is not enabled"


def enabled_already(user):
    """Why 2FA cannot be set up or enabled for ``user``, or None."""
    return ALREADY_ENABLED if user.totp_enabled else None


def cannot_enable(user):
    """Why 2FA cannot be enabled for ``user`` now, or None."""
    return enabled_already(user) or (None if user.totp_secret else NOT_SET_UP)


def not_enabled(user):
    """Why 2FA cannot be disabled for ``user``, or None."""
    return None if user.totp_enabled else NOT_ENABLED


@bp.route("/auth/2fa/setup", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorSetupRequestSchema)
@bp.response(200, TwoFactorSetupSchema)
@bp.alt_response(409, description="2FA is already enabled")
@reauthenticated(bp, Purpose.TWO_FACTOR_SETUP, conflict=enabled_already)
def setup_two_factor(data):
    """Create a new TOTP secret (not active until enabled with a code) and its QR code; needs the password."""
    return two_factor.start_setup(current_user), 200, NO_STORE


@bp.route("/auth/2fa/enable", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorEnableSchema)
@bp.response(200, RecoveryCodesSchema)
@bp.alt_response(400, description="Wrong password or code")
@bp.alt_response(409, description="No setup started, or 2FA already enabled")
@reauthenticated(bp, Purpose.TWO_FACTOR_ENABLE, conflict=cannot_enable)
def enable_two_factor(data):
    """Turn 2FA on with the password and a first valid code; answers 10 single-use recovery codes, shown only now."""
    user = current_user
    confirm_second_factor(user, data["code"], Purpose.TWO_FACTOR_ENABLE, totp_only=True)
    return {"recovery_codes": two_factor.enable(user)}, 200, NO_STORE


@bp.route("/auth/2fa/disable", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.arguments(TwoFactorDisableSchema)
@bp.response(204)
@bp.alt_response(400, description="Wrong password or code")
@bp.alt_response(409, description="2FA is not enabled")
@reauthenticated(bp, Purpose.TWO_FACTOR_DISABLE, conflict=not_enabled)
def disable_two_factor(data):
    """Turn 2FA off; needs the current password (or ``password``) and a TOTP or recovery code (``code`` or ``otp``)."""
    two_factor.disable(current_user)
