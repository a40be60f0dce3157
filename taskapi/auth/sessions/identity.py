"""The signed-in account as columns, for the routes that need no ORM entity of it (the tasks routes).

A blueprint made with ``Blueprint(account_identity=True)`` declares that its views, and everything
they call, read only these attributes of ``current_user``. For a session JWT on such a route, the
session check (``tokens.session_revoked``) reads the account's columns with the session's, in the
same single query, on every request as before, and ``current_user`` is an ``AccountIdentity``:
loading a ``User`` entity cost about 0.3 M instructions of a create (bench/README.md). So does an
access token's check there (``token_auth``), with the token's scopes. Any other attribute raises
AttributeError, so a view that grows a need for more fails loudly in its tests.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from taskapi.http.scopes import Scope
from taskapi.models import AccessToken, AuthSession, SiteRole, User

# What the session check needs (id, is_active, token_version) and what the tasks routes read.
COLUMNS = ("id", "username", "role", "is_active", "token_version", "task_count", "project_count")
ACCOUNT_COLUMNS = tuple(User.__table__.c[name] for name in COLUMNS)
SESSION_AND_ACCOUNT = (select(AuthSession.revoked_at, AuthSession.expires_at, *ACCOUNT_COLUMNS)
                       .join(User, User.id == AuthSession.user_id)
                       .where(AuthSession.family_id == bindparam("family_id")))
# An access token (the entity: its use is recorded) and its account's columns.
TOKEN_AND_ACCOUNT = (select(AccessToken, *ACCOUNT_COLUMNS).join(User, User.id == AccessToken.user_id)
                     .where(AccessToken.public_id == bindparam("public_id")))


@dataclass(frozen=True, slots=True)
class AccountIdentity:
    """A signed-in account's columns as read by this request's session check (never kept across requests)."""

    id: int
    username: str
    role: str
    is_active: bool
    token_version: int
    task_count: int
    project_count: int
    # As on User: None for a session (every scope), else the scopes of the access token used.
    token_scopes: frozenset | None = None

    @property
    def is_admin(self):
        """True for the admin role, used with a session or with an access token granted the admin scope."""
        return self.role == SiteRole.ADMIN and (self.token_scopes is None or Scope.ADMIN in self.token_scopes)


def account_identity(values, token_scopes=None) -> AccountIdentity:
    """The AccountIdentity of the COLUMNS ``values`` (in that order)."""
    user_id, username, role, is_active, token_version, task_count, project_count = values
    return AccountIdentity(user_id, username, role, is_active, token_version, task_count, project_count, token_scopes)
