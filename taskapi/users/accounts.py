"""Account services of the users blueprint: the admin listing, the owner's changes, and deleting an account."""

from sqlalchemy import func, or_, select

from taskapi.auth.audit import record
from taskapi.auth.credentials import ensure_not_last_admin
from taskapi.auth.mailed import remove_email, request_email_change
from taskapi.db.engine import escape_like
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.http.pagination import Page, SortKey, fetch_page
from taskapi.models import User
from taskapi.projects.accounts import leave_all_projects
from taskapi.signals import SecurityEventType
from taskapi.users.preferences import apply_preferences

BY_ID = SortKey("id", User.id, value_types=(int,))


def users_page(args: dict) -> Page:
    """A page of every account by id, filtered by ``q`` (username or email), ``role`` and ``is_active``."""
    conditions = []
    if args["q"]:
        pattern = f"%{escape_like(args['q'].lower())}%"
        conditions.append(or_(func.lower(User.username).like(pattern, escape="\\"),
                              func.lower(User.email).like(pattern, escape="\\")))
    if args["role"]:
        conditions.append(User.role == args["role"])
    if args["is_active"] is not None:
        conditions.append(User.is_active == args["is_active"])
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions))
    return fetch_page(db.session, select(User).where(*conditions), BY_ID, args, total, lambda user: (user.id,))


def update_own_account(user: User, data: dict) -> bool:
    """Apply PATCH /users/me's ``data``: preferences at once, a removed email at once, a new one by mail.

    :returns: True when a confirmation was mailed to a new email (it changes only once redeemed)
    """
    apply_preferences(user, data)
    email = data.get("email", user.email)
    if email is None:
        remove_email(user)
        return False
    if email != canonical_email(user.email or ""):
        request_email_change(user, email)
        return True
    return False


def delete_account(user: User, *, actor: User | None = None) -> None:
    """Delete ``user``, their personal tasks and memberships; ``actor`` is the admin (None: the owner).

    Each project they were in keeps an admin (``leave_all_projects``).

    :raises DomainError 409: ``user`` is the last active admin
    """
    ensure_not_last_admin(user)
    if actor is None:
        record(SecurityEventType.ACCOUNT_DELETED, user, by="owner", account_id=user.id)
    else:
        record(SecurityEventType.ACCOUNT_DELETED, user, by="admin", admin_id=actor.id, account_id=user.id)
    leave_all_projects(user, actor_id=(actor or user).id)
    db.session.delete(user)
