"""Creating and changing tasks: where a task lives (personal or a project), who it is assigned to, events."""

from flask_jwt_extended import current_user
from sqlalchemy import bindparam, case, insert, select, update

from taskapi.auth.credentials.accounts import find_user_by_username
from taskapi.auth.sessions.token_auth import token_project_restriction
from taskapi.db.sqlite_writes import take_write_lock
from taskapi.db.unit_of_work import note_direct_write
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import PRIORITIES, ProjectMember, ProjectRole, Task, User, utcnow
from taskapi.models.tasks import count_task, task_deltas
from taskapi.projects.access import project_for
from taskapi.signals import ProjectEventType, announce
from taskapi.tasks.schemas import TaskRow, task_document

INSERT_TASK = insert(Task.__table__).returning(Task.__table__.c.id)
TASK_VALUES = ("title", "description", "completed", "priority", "due_date", "owner_id", "created_at",
               "updated_at", "version", "project_id", "assignee_id")


def counted_personal_insert():
    """PostgreSQL: a personal task's INSERT and its owner's ``task_count + 1`` as one statement (one round trip).

    ``WITH new_task AS (INSERT ... RETURNING id, owner_id, completed, priority) UPDATE users SET task_count =
    task_count + 1, completed_task_count = ... (models.tasks.TASK_COUNTS) FROM new_task WHERE users.id =
    new_task.owner_id RETURNING new_task.id``, built once. (A project's
    count update also stamps ``projects.updated_at``, so project tasks keep their two statements.)
    """
    columns, users = Task.__table__.c, User.__table__
    new_task = (insert(Task.__table__).values({name: bindparam(f"new_{name}", type_=columns[name].type)
                                                for name in TASK_VALUES})
                .returning(columns.id, columns.owner_id, columns.completed, columns.priority).cte("new_task"))
    one_if = lambda condition: case((condition, 1), else_=0)  # noqa: E731
    return (update(users).where(users.c.id == new_task.c.owner_id)
            .values(task_count=users.c.task_count + 1,
                    completed_task_count=users.c.completed_task_count + one_if(new_task.c.completed),
                    **{f"{name}_task_count": users.c[f"{name}_task_count"] + one_if(new_task.c.priority == number)
                       for name, number in PRIORITIES.items()})
            .returning(new_task.c.id))


COUNTED_PERSONAL_INSERT = counted_personal_insert()
NOT_ASSIGNABLE = "The assignee must be a member of the task's project (of a personal task: its owner)"
OWNER_ONLY = "Only the task's owner may make it a personal task"
CONFINED_TOKEN = "This access token is confined to one project: it reaches no personal task"


def user_names(tasks):
    """{user id: username} for the owners and assignees of ``tasks``: the caller without a query."""
    return names_of({task.owner_id for task in tasks} | {task.assignee_id for task in tasks})


def names_of(user_ids):
    """{user id: username} for ``user_ids`` (None ignored): the caller without a query, others in one."""
    names = {current_user.id: current_user.username}
    others = set(user_ids) - names.keys() - {None}
    if others:
        names.update(db.session.execute(select(User.id, User.username).where(User.id.in_(others))).all())
    return names


def member_document(task):
    """The task's document as the API returns it to a member (also the data of its events)."""
    return task_document(task, user_names([task]))


def assignee_id_for(username, project_id, owner_id):
    """The id of the user ``username`` names as assignee, or None for null.

    :raises DomainError 422: no such user, or not a member of the project (of a personal task: not its owner)
    """
    if username is None:
        return None
    user = find_user_by_username(username)
    if user is None or not may_be_assigned(user.id, project_id, owner_id):
        raise DomainError(422, NOT_ASSIGNABLE, errors={"assignee": [NOT_ASSIGNABLE]})
    return user.id


def may_be_assigned(user_id, project_id, owner_id):
    """True when ``user_id`` may hold a task of ``project_id`` (None: a personal task of ``owner_id``)."""
    if project_id is None:
        return user_id == owner_id
    return db.session.scalar(select(ProjectMember.id).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)) is not None


def insert_task(owner_id, data):
    """INSERT ... RETURNING id (and the owner's task_count update for a personal task), without the ORM.

    On the session's connection after the SQLite write lock (taskapi/db/sqlite_writes.py), so both
    statements share the request's transaction; the ORM flush cost about 1.8 M instructions
    more (bench/README.md). Every column but the id is known here, so the row is not read back.

    :raises DomainError 404, 403: a project the caller is not in, or is not an editor of
    :raises DomainError 422: an assignee who may not hold the task
    """
    project_id = data.get("project_id")
    if project_id is not None:
        project_for(project_id, current_user, ProjectRole.EDITOR)
    elif token_project_restriction() is not None:
        raise DomainError(403, CONFINED_TOKEN)
    now = utcnow()
    values = {"title": data["title"], "description": data["description"], "completed": data["completed"],
              "priority": data["priority"], "due_date": data["due_date"], "owner_id": owner_id,
              "created_at": now, "updated_at": now, "version": 1, "project_id": project_id,
              "assignee_id": assignee_id_for(data["assignee"], project_id, owner_id)}
    # On the session's connection: the ORM's execute path (its events, its result) cost more than the
    # INSERT itself. Its do_orm_execute hook would have taken the SQLite write lock, so take it here.
    take_write_lock(db.session)
    connection = db.session.connection()
    if project_id is None and connection.dialect.name == "postgresql":
        parameters = {f"new_{name}": value for name, value in values.items()}
        task_id = connection.execute(COUNTED_PERSONAL_INSERT, parameters).scalar_one()
    else:  # SQLite has no data-modifying CTE; a project task: two statements in the transaction
        task_id = connection.execute(INSERT_TASK, values).scalar_one()
        count_task(connection, owner_id, project_id, task_deltas(values["completed"], values["priority"], 1))
    note_direct_write(db.session)
    task = TaskRow(id=task_id, **values)
    if project_id is not None:
        announce(project_id, ProjectEventType.TASK_CREATED, actor_id=current_user.id, data=member_document(task))
    return task


def move_task(task, project_id):
    """Move ``task`` (already checked: the caller is an editor of where it is) to ``project_id`` (None: personal).

    :raises DomainError 404, 403: a destination project the caller is not in, or is not an editor of
    :raises DomainError 403: making another user's task personal (a site admin may)
    """
    if project_id is not None:
        project_for(project_id, current_user, ProjectRole.EDITOR)
    elif token_project_restriction() is not None:
        raise DomainError(403, CONFINED_TOKEN)
    elif task.owner_id != current_user.id and not current_user.is_admin:
        raise DomainError(403, OWNER_ONLY)
    task.project_id = project_id  # counted out of the old place and into the new at the flush (models.tasks)


def update_task(task, changes):
    """Apply validated changes (a move and an assignment included), flush, and announce them.

    If-Match was checked before the view (conditional_write). The versioned UPDATE only matches
    the version that was read: a lost race is a 409 (412 with If-Match) at the flush.
    """
    changes = dict(changes)
    before, source = member_document(task), task.project_id
    if "project_id" in changes and changes["project_id"] != task.project_id:
        move_task(task, changes.pop("project_id"))
    changes.pop("project_id", None)
    if "assignee" in changes:
        task.assignee_id = assignee_id_for(changes.pop("assignee"), task.project_id, task.owner_id)
    elif task.assignee_id is not None and not may_be_assigned(task.assignee_id, task.project_id, task.owner_id):
        raise DomainError(422, NOT_ASSIGNABLE, errors={"assignee": [NOT_ASSIGNABLE]})
    was_completed = task.completed
    for field, value in changes.items():
        setattr(task, field, value)
    db.session.flush()
    announce_update(task, before, source, was_completed)


def announce_update(task, before, source, was_completed):
    """task.updated (or task.completed) in the task's project; a move is a deletion there and a creation here."""
    after = member_document(task)
    if source is not None and source != task.project_id:
        announce(source, ProjectEventType.TASK_DELETED, actor_id=current_user.id, data=before)
    if task.project_id is None:
        return
    kind = ProjectEventType.TASK_UPDATED
    if source != task.project_id:
        kind = ProjectEventType.TASK_CREATED
    elif task.completed and not was_completed:
        kind = ProjectEventType.TASK_COMPLETED
    announce(task.project_id, kind, actor_id=current_user.id, data=after)


def delete_task(task):
    """Delete a task (the caller's right and If-Match are already checked) and announce it in its project."""
    if task.project_id is not None:
        announce(task.project_id, ProjectEventType.TASK_DELETED, actor_id=current_user.id, data=member_document(task))
    db.session.delete(task)
    db.session.flush()
