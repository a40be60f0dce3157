"""The one answer to "may they?" for a project or a task: membership, role, and a site admin's powers.

An access token confined to one project (``token_project_restriction()``) narrows every answer
here to that project: any other project, and every personal task, is not there for it (404).
"""

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, false, func, or_, select, union_all

from taskapi.auth.sessions.token_auth import token_project_restriction
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import Project, ProjectMember, ProjectRole, Task, User
from taskapi.models.tasks import TASK_COUNTS

LOADED = "loaded_projects"  # session.info key: {project id: the Project project_for loaded}
PROJECT_NOT_FOUND = "Project not found"
ROLE_TOO_LOW = "Your role in this project does not allow this"
TASK_NOT_FOUND = "Task not found"


def role_in(project_id: int, user: User) -> ProjectRole | None:
    """``user``'s role in the project (a site admin counts as its admin), or None for a non-member.

    Read from the database on every call: a removal or demotion bites on the next request. None
    too for a project the request's access token is not confined to.
    """
    if token_project_restriction() not in (None, project_id):
        return None
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
    role = role_in(project_id, user)
    project = db.session.get(Project, project_id) if role is not None else None
    if role is None or project is None:
        raise DomainError(404, PROJECT_NOT_FOUND)
    if not role.allows(need):
        raise DomainError(403, ROLE_TOO_LOW)
    # The identity map holds rows weakly: kept here, later readers of the row (the outbox's count of
    # webhooks) find it without a query. It expires with the session's commits like any row.
    db.session.info.setdefault(LOADED, {})[project.id] = project
    return project, role


def loaded_project(project_id: int) -> Project | None:
    """The project row project_for loaded in this session, or None (no query)."""
    return db.session.info.get(LOADED, {}).get(project_id)


def member_project_ids(user: User, need: ProjectRole = ProjectRole.VIEWER):
    """A SELECT of the ids of the projects where ``user`` holds at least ``need`` (for list queries)."""
    query = project_ids_of(user.id, need)
    confined_to = token_project_restriction()
    return query if confined_to is None else query.where(ProjectMember.project_id == confined_to)


def project_ids_of(user_id, need: ProjectRole = ProjectRole.VIEWER):
    """member_project_ids() for a user id, or a bind parameter standing for one (prepared statements).

    Knows nothing of a confined token: callers with one use member_project_ids().
    """
    if need == ProjectRole.VIEWER:  # every role allows viewing
        return select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)
    roles = [role.value for role in ProjectRole if role.allows(need)]
    return select(ProjectMember.project_id).where(ProjectMember.user_id == user_id, ProjectMember.role.in_(roles))


def task_role(task: Task, user: User) -> ProjectRole | None:
    """``user``'s role over one task: its project's role, or for a personal task editor (owner), admin (site admin)."""
    if task.project_id is not None:
        return role_in(task.project_id, user)
    if token_project_restriction() is not None:
        return None
    if user.is_admin:
        return ProjectRole.ADMIN
    # The owner reads and changes a personal task; deleting one stays a site admin's (the seed rule).
    return ProjectRole.EDITOR if task.owner_id == user.id else None


def task_for(task_id: int, user: User, need: ProjectRole) -> tuple[Task, ProjectRole]:
    """The task and ``user``'s role over it, when that role allows what ``need`` allows.

    :raises DomainError 404: no such task, or one ``user`` cannot see (the same answer)
    :raises DomainError 403: a task ``user`` sees with a role lower than ``need``
    """
    task = db.session.get(Task, task_id)
    role = task_role(task, user) if task is not None else None
    if task is None or role is None:
        raise DomainError(404, TASK_NOT_FOUND)
    if not role.allows(need):
        raise DomainError(403, ROLE_TOO_LOW)
    return task, role


def administers_a_project(user: User) -> bool:
    """True when ``user`` is an admin of at least one project (may try to delete tasks)."""
    return db.session.scalar(select(member_project_ids(user, ProjectRole.ADMIN).exists())) or False


def visible_tasks_condition(user: User):
    """The WHERE clause of every task listing: ``user``'s personal tasks and those of their projects.

    With a token confined to a project: that project's tasks only, while ``user`` is a member.
    """
    return or_(*visible_task_parts(user))


@dataclass(frozen=True)
class VisibleScope:
    """What a listing may read: the personal tasks of ``owner_id`` (None: none) and the tasks of ``project_ids``,
    with the sum of those projects' maintained task_count."""

    owner_id: int | None
    project_ids: tuple[int, ...]
    project_tasks: int = 0


# The ids of the projects a user belongs to, each with its maintained task_count, built once.
MEMBER_PROJECT_COUNTS = (project_ids_of(bindparam("user_id")).add_columns(Project.task_count)
                         .join(Project, Project.id == ProjectMember.project_id).order_by(ProjectMember.project_id))


def visible_scope(user: User, project: str | None = None) -> VisibleScope | None:
    """visible_task_parts() as ids; None for the parts that are not personal-plus-projects (a confined
    token; beyond SPLIT_PROJECTS projects). ``project``: see visible_task_parts()."""
    if token_project_restriction() is not None:
        return None
    if project == "none" or (project is None and not user.project_count):  # users.project_count: maintained
        return VisibleScope(user.id, ())
    counts = dict(db.session.connection().execute(MEMBER_PROJECT_COUNTS, {"user_id": user.id}).all())
    if project is not None:
        return VisibleScope(None, (int(project),), counts[int(project)]) if int(project) in counts else (
            VisibleScope(None, ()))
    return VisibleScope(user.id, tuple(counts), sum(counts.values())) if len(counts) <= SPLIT_PROJECTS else None


def visible_task_parts(user: User, project: str | None = None):
    """visible_tasks_condition() as disjoint conditions whose counts add up: personal tasks, then each project's.

    One condition per project (up to SPLIT_PROJECTS of them, else one for all) lets a listing read
    each part from one index range in order, and count it from one range. ``project`` (a listing's
    filter: ``none`` or a project's id) keeps only the part it can match: the others, contradicting
    it, still cost PostgreSQL their planning (and JIT compiling past its cost threshold).
    """
    return parts_of_scope(user, visible_scope(user, project))


def parts_of_scope(user: User, scope: VisibleScope | None):
    """visible_task_parts() for a ``scope`` visible_scope() already read for ``user``."""
    confined_to = token_project_restriction()
    if confined_to is not None:
        return [and_(Task.project_id == confined_to, Task.project_id.in_(member_project_ids(user)))]
    personal = and_(Task.project_id.is_(None), Task.owner_id == user.id)
    if scope is None:
        return [personal, Task.project_id.in_(project_ids_of(user.id))]
    parts = [personal] if scope.owner_id is not None else []
    return [*parts, *(Task.project_id == project_id for project_id in scope.project_ids)] or [false()]


def visible_to(user_id):
    """visible_tasks_condition() for a user id, or a bind parameter standing for one (prepared statements)."""
    return or_(and_(Task.project_id.is_(None), Task.owner_id == user_id), Task.project_id.in_(project_ids_of(user_id)))


# Beyond this many projects one IN condition beats a statement with a part per project.
SPLIT_PROJECTS = 50


# A user's maintained counts (models.tasks.TASK_COUNTS): their personal tasks' row, then the sums over
# the projects they belong to (zeros in none), in one statement.
VISIBLE_COUNTS = union_all(
    select(*(User.__table__.c[name] for name in TASK_COUNTS)).where(User.__table__.c.id == bindparam("user_id")),
    select(*(func.coalesce(func.sum(Project.__table__.c[name]), 0) for name in TASK_COUNTS))
    .join(ProjectMember, ProjectMember.project_id == Project.id).where(ProjectMember.user_id == bindparam("user_id")))
# The tasks of the projects a user belongs to, from the maintained counts (a member's X-Total-Count).
PROJECT_TASKS = (select(func.coalesce(func.sum(Project.task_count), 0))
                 .join(ProjectMember, ProjectMember.project_id == Project.id)
                 .where(ProjectMember.user_id == bindparam("user_id")))


def visible_task_counts(user: User) -> dict[str, int] | None:
    """{TASK_COUNTS name: count} over the tasks visible_task_parts() covers, from the maintained counts.

    None with a token confined to a project (the caller counts rows instead).
    """
    if token_project_restriction() is not None:
        return None
    rows = db.session.connection().execute(VISIBLE_COUNTS, {"user_id": user.id}).all()
    return {name: sum(row[index] for row in rows) for index, name in enumerate(TASK_COUNTS)}
