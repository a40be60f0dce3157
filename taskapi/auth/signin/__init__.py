"""Signing in and proving it again: password and passkey login, the second step, re-authentication."""

from taskapi.auth.signin.login import authenticate, check_login_factors, complete_second_step
from taskapi.auth.signin.passkey_login import authenticate_passkey, authentication_options
from taskapi.auth.signin.reauth import Purpose, reauthenticate, reauthenticated

__all__ = ["Purpose", "authenticate", "authenticate_passkey", "authentication_options", "check_login_factors",
           "complete_second_step", "reauthenticate", "reauthenticated"]
