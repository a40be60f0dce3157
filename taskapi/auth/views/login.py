"""Register, log in (JSON and OAuth2 form), and the current user."""

from flask_jwt_extended import current_user
from flask_smorest import abort

from taskapi.auth.account_mails import queue_verification_mail
from taskapi.auth.accounts import create_user
from taskapi.auth.limits import limit_login, limit_register
from taskapi.auth.login import authenticate, check_login_factors
from taskapi.auth.sessions import rotate, start_session
from taskapi.auth.user_schemas import UserSchema
from taskapi.auth.views import bp
from taskapi.auth.views.schemas import LoginSchema, RegisterSchema, TokenFormSchema, TokenSchema
from taskapi.http.api import ADMIN_REQUIRED, require_access
from taskapi.http.headers import NO_STORE
from taskapi.http.scopes import Scope
from taskapi.http.security import bearer_token


@bp.route("/auth/register", methods=["POST"])
@bp.route("/register", methods=["POST"], endpoint="register_legacy")
@limit_register
@bp.arguments(RegisterSchema)
@bp.response(201, UserSchema)
@bp.alt_response(400, description="Username or email already registered")
@bp.alt_response(403, description="role=admin without an admin's token")
def register(data):
    """Create an account (role ``admin`` only with an admin's bearer token); mails a verification link."""
    if data["role"] == "admin":
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
@bp.alt_response(401, description="Incorrect username or password; or a 2FA code is needed "
                                  "(error: mfa_required) or wrong (error: mfa_invalid)")
@bp.alt_response(403, description="Account disabled, or email not verified when that is required")
@bp.alt_response(429, description="Too many attempts from this client, or too many failures for this account")
def login(data):
    """Log in with a JSON body; answers a bearer token."""
    user = authenticate(data["username"], data["password"])
    check_login_factors(user, data["otp"])
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
