"""Membership verbs shared by the project views, invitations and account deletion."""

from datetime import datetime

from sqlalchemy import func, select, update

from taskapi.db.sqlite_writes import take_write_lock
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.fields import utc_timestamp
from taskapi.http.pagination import SortKey, fetch_page
from taskapi.models import ProjectMember, ProjectRole, Task, User, utcnow
from taskapi.projects.access import ROLE_TOO_LOW
from taskapi.signals import ProjectEventType, announce

LAST_ADMIN = "A project keeps at least one admin: make another member admin first"
MEMBER_NOT_FOUND = "Member not found"
BY_JOINED = SortKey("joined_at", ProjectMember.joined_at, ProjectMember.id, value_types=(datetime, int))


def member_document(member: ProjectMember, user: User) -> dict:
    """``{user_id, username, role, joined_at}``: a member as every member may read it."""
    return {"user_id": user.id, "username": user.username, "role": member.role,
            "joined_at": utc_timestamp(member.joined_at)}


def add_member(project_id: int, user: User, role: ProjectRole, actor_id: int | None) -> ProjectMember:
    """Make ``user`` a member with ``role`` and announce ``member.added``."""
    member = ProjectMember(project_id=project_id, user_id=user.id, role=role.value)
    db.session.add(member)
    db.session.flush()
    announce(project_id, ProjectEventType.MEMBER_ADDED, actor_id=actor_id, data=member_document(member, user),
             subject_id=user.id)
    return member


def lock_project_admins(project_id: int) -> set[int]:
    """The ids of the project's admins, read so that nobody can change who they are before this transaction ends.

    PostgreSQL: the rows are locked (FOR UPDATE); a request that waited re-reads them once the
    first commits and sees an admin demoted meanwhile as gone. SQLite: the write lock that
    serialises every writer is taken before the read (as taskapi.auth.credentials.guards does for site admins).
    """
    take_write_lock(db.session)
    query = (select(ProjectMember.user_id)
             .where(ProjectMember.project_id == project_id, ProjectMember.role == ProjectRole.ADMIN.value)
             .with_for_update())
    return set(db.session.scalars(query))


def guard_admin_change(member: ProjectMember, actor: User, *, removing: bool, new_role: ProjectRole | None = None):
    """Under the lock: the actor is still an admin (unless leaving on their own), and an admin stays.

    The loader checked the actor's role before the lock; a demotion of the actor committed
    meanwhile is seen here.

    :raises DomainError 403: the actor is no longer an admin of the project (nor a site admin)
    :raises DomainError 409: this would demote or remove the project's last admin
    """
    admins = lock_project_admins(member.project_id)
    leaving = removing and member.user_id == actor.id
    if not leaving and actor.id not in admins and not actor.is_admin:
        raise DomainError(403, ROLE_TOO_LOW)
    db.session.refresh(member)  # the role as committed now, not as the loader read it
    loses_admin = member.role == ProjectRole.ADMIN and (removing or new_role != ProjectRole.ADMIN)
    if loses_admin and admins <= {member.user_id}:
        raise DomainError(409, LAST_ADMIN)


def change_role(member: ProjectMember, role: ProjectRole, actor: User) -> dict:
    """Give ``member`` a new role (flushed) and announce ``member.role_changed``; its document."""
    guard_admin_change(member, actor, removing=False, new_role=role)
    old, user = member.role, db.session.get_one(User, member.user_id)
    if old != role.value:
        member.role = role.value
        db.session.flush()
        announce(member.project_id, ProjectEventType.MEMBER_ROLE_CHANGED, actor_id=actor.id,
                 data={**member_document(member, user), "old_role": old}, subject_id=user.id)
    return member_document(member, user)


def remove_member(member: ProjectMember, actor: User) -> None:
    """Remove ``member`` (an admin removing anyone, or a member leaving), flushed, and announce it."""
    guard_admin_change(member, actor, removing=True)
    drop_member(member, actor_id=actor.id)


def drop_member(member: ProjectMember, actor_id: int | None) -> None:
    """Delete the membership and unassign the member's tasks in the project (no checks: callers make them)."""
    user = db.session.get_one(User, member.user_id)
    document = member_document(member, user)
    # A new version: the unassigned tasks' ETags must change with their documents.
    db.session.execute(update(Task).where(Task.project_id == member.project_id, Task.assignee_id == member.user_id)
                       .values(assignee_id=None, version=Task.version + 1, updated_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.delete(member)
    db.session.flush()
    announce(member.project_id, ProjectEventType.MEMBER_REMOVED, actor_id=actor_id, data=document,
             subject_id=member.user_id)


def member_of(project_id: int, user_id: int) -> ProjectMember:
    """The membership of ``user_id`` in the project.

    :raises DomainError 404: not a member
    """
    member = db.session.scalar(select(ProjectMember).where(ProjectMember.project_id == project_id,
                                                           ProjectMember.user_id == user_id))
    if member is None:
        raise DomainError(404, MEMBER_NOT_FOUND)
    return member


def members_page(project_id: int, args: dict):
    """A page of the project's members, earliest joined first, as documents, and its Page."""
    total = db.session.scalar(select(func.count()).where(ProjectMember.project_id == project_id))
    query = (select(ProjectMember, User).join(User, User.id == ProjectMember.user_id)
             .where(ProjectMember.project_id == project_id))
    page = fetch_page(db.session, query, BY_JOINED, args, total, lambda row: (row[0].joined_at, row[0].id))
    return [member_document(member, user) for member, user in page.rows], page
