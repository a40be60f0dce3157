"""Project verbs: create, list, rename, delete; each announces what it changed."""

from sqlalchemy import func, literal, select, update

from taskapi.auth.sessions.token_auth import token_project_restriction
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.api import ADMIN_REQUIRED
from taskapi.http.fields import utc_timestamp
from taskapi.http.pagination import SortKey, fetch_page
from taskapi.models import Project, ProjectMember, ProjectRole, User
from taskapi.projects.members import add_member
from taskapi.signals import ProjectEventType, announce

BY_ID = SortKey("id", Project.id, value_types=(int,))
MEMBER_COUNT = (select(func.count()).where(ProjectMember.project_id == Project.id)
                .correlate(Project).scalar_subquery())


def project_document(project: Project, role: ProjectRole, member_count: int | None = None) -> dict:
    """A project as its members read it, with the caller's ``role``."""
    if member_count is None:
        member_count = db.session.scalar(select(func.count()).where(ProjectMember.project_id == project.id))
    return {"id": project.id, "name": project.name, "description": project.description, "role": str(role),
            "member_count": member_count, "created_at": utc_timestamp(project.created_at),
            "updated_at": utc_timestamp(project.updated_at)}


def create_project(user: User, data: dict) -> dict:
    """A new project with ``user`` as its admin (flushed); its document."""
    project = Project(name=data["name"], description=data.get("description"))
    db.session.add(project)
    db.session.flush()
    add_member(project.id, user, ProjectRole.ADMIN, actor_id=user.id)
    document = project_document(project, ProjectRole.ADMIN, 1)
    announce(project.id, ProjectEventType.PROJECT_CREATED, actor_id=user.id, data=document)
    return document


def projects_page(user: User, args: dict):
    """A page of the caller's projects (a site admin's ``all``: every project) and its Page.

    :raises DomainError 403: ``all`` asked by someone who is not a site admin
    """
    if args["every_project"] and not user.is_admin:
        raise DomainError(403, ADMIN_REQUIRED)
    confined_to = token_project_restriction()  # a token confined to a project lists that one only
    narrow = [Project.id == confined_to] if confined_to is not None else []
    if args["every_project"]:
        query = select(Project, literal(ProjectRole.ADMIN.value), MEMBER_COUNT).where(*narrow)
        total = db.session.scalar(select(func.count()).select_from(Project).where(*narrow))
    else:
        query = (select(Project, ProjectMember.role, MEMBER_COUNT)
                 .join(ProjectMember, ProjectMember.project_id == Project.id)
                 .where(ProjectMember.user_id == user.id, *narrow))
        total = db.session.scalar(select(func.count()).select_from(ProjectMember).join(
            Project, Project.id == ProjectMember.project_id).where(ProjectMember.user_id == user.id, *narrow))
    page = fetch_page(db.session, query, BY_ID, args, total, lambda row: (row[0].id,))
    site_admin = user.is_admin
    documents = [project_document(project, ProjectRole.ADMIN if site_admin else ProjectRole(role), count)
                 for project, role, count in page.rows]
    return documents, page


def update_project(project: Project, role: ProjectRole, changes: dict, actor: User) -> dict:
    """Rename or describe the project (flushed); its new document."""
    for field, value in changes.items():
        setattr(project, field, value)
    db.session.flush()
    document = project_document(project, role)
    announce(project.id, ProjectEventType.PROJECT_UPDATED, actor_id=actor.id, data=document)
    return document


def delete_project(project: Project, role: ProjectRole, actor: User) -> None:
    """Delete the project; its members and tasks go with it (ON DELETE CASCADE)."""
    announce(project.id, ProjectEventType.PROJECT_DELETED, actor_id=actor.id, data=project_document(project, role))
    # The cascade deletes the memberships in the database, past the ORM's counting listeners.
    members = select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)
    db.session.execute(update(User).where(User.id.in_(members)).values(project_count=User.project_count - 1)
                       .execution_options(synchronize_session=False))
    db.session.delete(project)
    db.session.flush()
