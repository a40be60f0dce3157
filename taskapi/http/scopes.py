"""What an access token may be scoped to, and how an operation says which scope it needs."""

from enum import StrEnum


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
