"""The mail budgets of inviting: per inviting account, and per invited address in its canonical form."""

from flask import current_app
from flask_jwt_extended import current_user

from taskapi.http.parsing import peek_json_string
from taskapi.http.rate_limits import rate_limit
from taskapi.projects.invitations.addresses import canonical_address

SETTINGS = ("RATELIMIT_INVITE_PER_ACCOUNT", "RATELIMIT_INVITE_PER_RECIPIENT")
TOO_MANY = "Too many invitations from this account, or to this address"


def setting(name):
    """A limit string read from config at request time."""
    return lambda: current_app.config[name]


def invited_address():
    """The body's ``email`` in its canonical form as a limit key, or None (validation answers that request)."""
    email = peek_json_string("email")
    return canonical_address(email) if email else None


def limit_invitations(view):
    """Each invitation spends one unit of the inviter's budget and one of the invited address's.

    Keyed on the canonical address, so case or Unicode variants of one mailbox share one budget.
    """
    view = rate_limit(setting("RATELIMIT_INVITE_PER_RECIPIENT"), key=lambda: f"invitee:{invited_address()}",
                      scope="invite-recipient", exempt_when=lambda: invited_address() is None)(view)
    return rate_limit(setting("RATELIMIT_INVITE_PER_ACCOUNT"), key=lambda: f"account:{current_user.id}",
                      scope="invite-account")(view)
