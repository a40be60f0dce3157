"""What deleting an account does to its projects: memberships go, every project keeps an admin."""

from sqlalchemy import select, update

from taskapi.extensions import db
from taskapi.models import Project, ProjectMember, ProjectRole, Task, User, utcnow
from taskapi.projects.members import drop_member, lock_project_admins, member_document
from taskapi.projects.services import delete_project
from taskapi.signals import ProjectEventType, announce


def leave_all_projects(user: User, actor_id: int | None) -> None:
    """Remove ``user`` from every project before the account is deleted.

    Where they were the last admin, the remaining member who joined first becomes admin,
    whatever their role; a project left with no member is deleted with its tasks. The tasks they
    created in a project that lives on stay there, owned by its first admin.
    """
    memberships = db.session.scalars(select(ProjectMember).where(ProjectMember.user_id == user.id)
                                     .order_by(ProjectMember.project_id)).all()
    for member in memberships:
        admins = lock_project_admins(member.project_id) - {user.id}
        others = db.session.scalars(select(ProjectMember).where(
            ProjectMember.project_id == member.project_id, ProjectMember.user_id != user.id)
            .order_by(ProjectMember.joined_at, ProjectMember.id)).all()
        if not others:
            delete_project(db.session.get_one(Project, member.project_id), ProjectRole.ADMIN, user)
            continue
        if not admins:
            promote(others[0], actor_id)
            admins = {others[0].user_id}
        heir = next(other.user_id for other in others if other.user_id in admins)
        db.session.execute(update(Task).where(Task.project_id == member.project_id, Task.owner_id == user.id)
                           .values(owner_id=heir, version=Task.version + 1, updated_at=utcnow())
                           .execution_options(synchronize_session=False))
        drop_member(member, actor_id=actor_id)


def promote(member: ProjectMember, actor_id: int | None) -> None:
    """Make ``member`` the project's admin because its last admin is leaving, and record it."""
    old, member.role = member.role, ProjectRole.ADMIN.value
    db.session.flush()
    announce(member.project_id, ProjectEventType.MEMBER_ROLE_CHANGED, actor_id=actor_id,
             data={**member_document(member, db.session.get_one(User, member.user_id)), "old_role": old,
                   "reason": "last_admin_deleted"}, subject_id=member.user_id)
