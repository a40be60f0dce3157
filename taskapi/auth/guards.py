"""Guard rails on account changes."""

from sqlalchemy import func, select

from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import User

LAST_ADMIN = "This is the last active admin: promote another admin first"


def ensure_not_last_admin(user):
    """Refuse to demote, disable or delete the only active admin.

    :raises DomainError 409: ``user`` is the last active admin
    """
    if not (user.is_admin and user.is_active):
        return
    active_admins = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.is_active.is_(True))
    )
    if active_admins <= 1:
        raise DomainError(409, LAST_ADMIN)
