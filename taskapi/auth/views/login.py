"""Register, log in (JSON and OAuth2 form), and the current user."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from taskapi.auth.credentials import create_user
from taskapi.auth.limits import limit_login, limit_mail, limit_register, limit_second_step, requested_email
from taskapi.auth.mailed import queue_verification_mail
from taskapi.auth.sessions import rotate, start_session
from taskapi.auth.signin import authenticate, check_login_factors, complete_second_step
from taskapi.auth.user_schemas import UserSchema
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import LoginSchema, RegisterSchema, SecondStepSchema, TokenFormSchema, TokenSchema
from taskapi.http.api import ADMIN_REQUIRED, require_access
from taskapi.http.headers import NO_STORE
from taskapi.http.scopes import SCOPE_CHALLENGE_HEADER, Scope
from taskapi.http.security import bearer_token
from taskapi.models import SiteRole


@bp.route("/auth/register", methods=["POST"])
@bp.route("/register", methods=["POST"], endpoint="register_legacy")
@limit_register
@limit_mail(bp, "verify_email", recipient=requested_email)
@bp.arguments(RegisterSchema)
@bp.response(201, UserSchema)
@bp.alt_response(400, description="Username or email already registered")
@bp.alt_response(401, description="role=admin with a bearer token that is not valid")
@bp.alt_response(403, description="role=admin without an admin's token", headers=SCOPE_CHALLENGE_HEADER)
def register(data):
    """Create an account (role ``admin`` only with an admin's bearer token); mails a verification link."""
    if data["role"] == SiteRole.ADMIN:
        if bearer_token() is None:
            abort(403, message=ADMIN_REQUIRED)
        require_access(admin=True, scope=Scope.ADMIN)  # a session JWT, or an access token with the admin scope
    user = create_user(data["username"], data["password"], data["email"], data["role"])
    if user.email:
        queue_verification_mail(user, best_effort=True)  # the account exists; the mail can be asked for again
    return user


@bp.route("/auth/login", methods=["POST"])
@limit_login
@bp.arguments(LoginSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="Incorrect username or password; or a 2FA code is needed (error: mfa_required, "
                                  "with an mfa_token for POST /auth/login/2fa) or wrong (error: mfa_invalid)")
@bp.alt_response(403, description="Account disabled, or email not verified when that is required")
@bp.alt_response(429, description="Too many attempts from this client, or too many failures for this account")
def login(data):
    """Log in with a JSON body; answers a bearer token."""
    user = authenticate(data["username"], data["password"])
    check_login_factors(user, data["otp"])
    return start_session(user, method="password"), 200, NO_STORE


@bp.route("/auth/login/2fa", methods=["POST"])
@limit_second_step
@bp.arguments(SecondStepSchema)
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="A bad, expired or spent mfa_token (error: mfa_token_invalid), or a wrong, "
                                  "spent or replayed code (error: mfa_invalid)")
@bp.alt_response(403, description="The account was disabled meanwhile")
@bp.alt_response(429, description="Too many attempts from this client, or too many failures for this account")
def login_second_step(data):
    """Complete a sign-in that answered 401 mfa_required: its mfa_token and a TOTP or recovery code."""
    user = complete_second_step(data["mfa_token"], data["otp"])
    return start_session(user, method="password"), 200, NO_STORE


@bp.route("/auth/token", methods=["POST"])
@bp.route("/token", methods=["POST"], endpoint="token_legacy")
@limit_login
@bp.arguments(TokenFormSchema, location="form")
@bp.response(200, TokenSchema)
@bp.alt_response(401, description="Incorrect username or password, a bad refresh token, or a missing "
                                  "(error: mfa_required) or wrong (error: mfa_invalid) 2FA code")
@bp.alt_response(403, description="Account disabled, or email not verified when that is required")
@bp.alt_response(429, description="Too many attempts from this client, or too many failures for this account")
def token(data):
    """OAuth2 token endpoint (form): password grant (``grant_type`` may be omitted) or refresh_token grant."""
    if data["grant_type"] == "refresh_token":
        return rotate(data["refresh_token"]), 200, NO_STORE
    user = authenticate(data["username"], data["password"])
    check_login_factors(user, data["otp"])
    return start_session(user, method="password"), 200, NO_STORE


@bp.route("/auth/me", methods=["GET"])
@bp.protected(scope=Scope.ACCOUNT_READ)
@bp.response(200, UserSchema)
def me():
    """The user the bearer token belongs to."""
    return current_user
