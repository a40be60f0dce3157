"""What an access token may be scoped to, and how an operation says which scope it needs."""

from enum import StrEnum

from taskapi.errors import DomainError


class Scope(StrEnum):
    """A personal access token's scopes; a session token (JWT) holds them all."""

    TASKS_READ = "tasks:read"
    TASKS_WRITE = "tasks:write"
    PROJECTS_READ = "projects:read"
    PROJECTS_WRITE = "projects:write"
    ACCOUNT_READ = "account:read"
    ADMIN = "admin"


# An operation that only an interactive session (never an access token) may call.
INTERACTIVE = "interactive"
# The OpenAPI extension that carries an operation's scope (or INTERACTIVE).
SCOPE_EXTENSION = "x-token-scope"

INSUFFICIENT_SCOPE = ("An access token without the scope this operation needs (error insufficient_scope); "
                      "an interactive-only operation refuses every access token")
INTERACTIVE_ONLY = "Only a signed-in session may do this: no personal access token can"
SCOPE_CHALLENGE_HEADER = {"WWW-Authenticate": {
    "description": 'With an access token lacking the scope: Bearer error="insufficient_scope", scope="<needed>"',
    "schema": {"type": "string"}}}


def insufficient_scope(needed):
    """The 403 DomainError for an access token without ``needed`` (RFC 6750 section 3.1).

    An interactive-only operation (``needed`` INTERACTIVE or undeclared) names no scope: none would do.
    """
    if needed is None or needed == INTERACTIVE:
        challenge = f'Bearer error="insufficient_scope", error_description="{INTERACTIVE_ONLY}"'
        return DomainError(403, INTERACTIVE_ONLY, headers={"WWW-Authenticate": challenge})
    return DomainError(403, f"This access token lacks the {needed} scope",
                       headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'})
