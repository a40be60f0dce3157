"""Guard rails on account changes."""

from sqlalchemy import select

from taskapi.db.sqlite_writes import take_write_lock
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import SiteRole, User

LAST_ADMIN = "This is the last active admin: promote another admin first"


def lock_active_admins():
    """The ids of the active admins, read so that nobody can change who they are before this transaction ends.

    PostgreSQL: the rows are locked (FOR UPDATE); a request that waited re-reads them once the
    first commits, and sees an admin demoted meanwhile as gone. SQLite: the write lock that
    serialises writers across every worker is taken before the read, and each SELECT there reads
    the latest commit (pysqlite opens a transaction at the first write, not at a read).
    """
    take_write_lock(db.session)  # a no-op except on SQLite
    query = select(User.id).where(User.role == SiteRole.ADMIN, User.is_active.is_(True)).with_for_update()
    return set(db.session.scalars(query))


def ensure_not_last_admin(user):
    """Refuse to demote, disable or delete the only active admin; call it in the transaction that writes.

    The check holds until that transaction commits or rolls back, so two admins demoting (or
    deleting) each other at the same moment cannot both succeed.

    :raises DomainError 409: ``user`` is the last active admin
    """
    admins = lock_active_admins()
    if user.id in admins and len(admins) == 1:
        raise DomainError(409, LAST_ADMIN)
