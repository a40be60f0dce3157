"""The one answer to "may they?" for a project: membership, role, and a site admin's powers."""

from sqlalchemy import select

from taskapi.auth.token_auth import token_project_restriction
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import Project, ProjectMember, ProjectRole, User

PROJECT_NOT_FOUND = "Project not found"
ROLE_TOO_LOW = "Your role in this project does not allow this"


def role_in(project_id: int, user: User) -> ProjectRole | None:
    """``user``'s role in the project (a site admin counts as its admin), or None for a non-member.

    Read from the database on every call: a removal or demotion bites on the next request.
    """
    if user.is_admin:
        return ProjectRole.ADMIN
    role = db.session.scalar(select(ProjectMember.role).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user.id))
    return ProjectRole(role) if role is not None else None


def project_for(project_id: int, user: User, need: ProjectRole) -> tuple[Project, ProjectRole]:
    """The project and ``user``'s role in it, when that role allows what ``need`` allows.

    :raises DomainError 404: no such project, ``user`` is not a member, or the request's access token is
        confined to another project (the same answer)
    :raises DomainError 403: a member whose role is lower than ``need``
    """
    confined_to = token_project_restriction()
    project = db.session.get(Project, project_id) if confined_to in (None, project_id) else None
    role = role_in(project_id, user) if project is not None else None
    if role is None:
        raise DomainError(404, PROJECT_NOT_FOUND)
    if not role.allows(need):
        raise DomainError(403, ROLE_TOO_LOW)
    return project, role


def member_project_ids(user: User, need: ProjectRole = ProjectRole.VIEWER):
    """A SELECT of the ids of the projects where ``user`` holds at least ``need`` (for list queries)."""
    roles = [role.value for role in ProjectRole if role.allows(need)]
    query = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id, ProjectMember.role.in_(roles))
    confined_to = token_project_restriction()
    return query if confined_to is None else query.where(ProjectMember.project_id == confined_to)
