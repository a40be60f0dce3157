"""Task views: list, create, read, update (owner or admin), delete (admin)."""

from flask import jsonify, url_for
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import abort
from sqlalchemy import insert, select

from taskapi.auth.token_auth import token_project_restriction
from taskapi.extensions import db
from taskapi.http.contract import headers
from taskapi.http.etags import conditional_read, conditional_write, etag_header
from taskapi.http.hosts import external_url
from taskapi.http.pagination import fetch_page, paged
from taskapi.http.scopes import Scope
from taskapi.models import Task, User, utcnow
from taskapi.models.tasks import adjust_task_count
from taskapi.tasks import bp
from taskapi.tasks.listing import SORT_KEYS, TaskListArgsSchema, listing_query, owner_page, sort_values
from taskapi.tasks.schemas import TaskPatchSchema, TaskRow, TaskSchema, TaskWriteSchema, task_document, task_documents

CONFINED_TOKEN = "This access token is confined to one project: it cannot create personal tasks"
INSERT_TASK = insert(Task.__table__).returning(Task.__table__.c.id)


@bp.view_arg_loader("task_id", "task")
def get_owned_task_or_404(task_id):
    """The task with this id if the caller owns it or is an admin (views receive it as ``task``).

    :raises 404: no such task, or another user's task (so ids leak nothing)
    """
    task = db.session.get(Task, task_id) if token_project_restriction() is None else None  # personal: not to it
    if task is None or (task.owner_id != current_user.id and not current_user.is_admin):
        abort(404, message="Task not found")
    return task


def task_links():
    """OpenAPI links from a created task to the operations on it (clients and schemathesis follow them)."""
    by_id = "#/paths/~1tasks~1{task_id}"
    operations = {"GetTask": "get", "UpdateTask": "patch", "ReplaceTask": "put", "DeleteTask": "delete"}
    return {name: {"operationRef": f"{by_id}/{method}", "parameters": {"task_id": "$response.body#/id"}}
            for name, method in operations.items()}


def owner_names(tasks):
    """{owner id: username} for ``tasks``: the caller without a query, other owners in one."""
    names = {current_user.id: current_user.username}
    others = {task.owner_id for task in tasks} - names.keys()
    if others:
        names.update(db.session.execute(select(User.id, User.username).where(User.id.in_(others))).all())
    return names


@bp.route("", strict_slashes=False)
class Tasks(MethodView):
    @bp.protected(scope=Scope.TASKS_READ)
    @bp.arguments(TaskListArgsSchema, location="query")
    @bp.response(200, TaskSchema(many=True))
    @bp.alt_response(403, description="all or owner asked for by a non-admin")
    @paged
    def get(self, args):
        """List the caller's tasks (filters, search, sort); paging in X-Total-Count and Link headers."""
        page = owner_page(args)
        if page is None:  # filters, or an admin listing every owner
            query, total = listing_query(args)
            sort_key = SORT_KEYS[args["sort"]]
            page = fetch_page(db.session, query, sort_key, args, total, lambda task: sort_values(sort_key, task))
        # jsonify, like task_response(): TaskSchema only documents it
        return jsonify(task_documents(page.rows, owner_names(page.rows))), page

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.doc(responses={201: {"links": task_links()}})
    @bp.arguments(TaskWriteSchema)
    @bp.response(201, TaskSchema, headers=headers("Location", "ETag"))
    def post(self, data):
        """Create a task owned by the caller; the Location header points at it."""
        if token_project_restriction() is not None:
            abort(403, message=CONFINED_TOKEN)
        task = insert_task(current_user.id, data)
        response = task_response(task, 201)
        response.headers["Location"] = external_url(url_for("tasks.TaskById", task_id=task.id))
        db.session.commit()
        return response


@bp.route("/<int(max=2147483647):task_id>", strict_slashes=False)
class TaskById(MethodView):
    @bp.protected(scope=Scope.TASKS_READ)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    @conditional_read("task")
    def get(self, task):
        """One task (owner or admin); honours If-None-Match with 304."""
        return task_response(task, 200)

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.arguments(TaskPatchSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    @conditional_write("task")
    def patch(self, data, task):
        """Change some fields of a task (owner or admin); If-Match makes it conditional."""
        return update_task(task, data)

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.arguments(TaskWriteSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    @conditional_write("task")
    def put(self, data, task):
        """Replace a task's writable fields (owner or admin); If-Match makes it conditional."""
        return update_task(task, data)

    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.response(204)
    @bp.alt_response(404, description="No such task")
    @conditional_write("task", status=None)
    def delete(self, task):
        """Delete a task (admin only)."""
        db.session.delete(task)
        db.session.commit()


def insert_task(owner_id, data):
    """INSERT ... RETURNING id and the owner's task_count update, without the ORM's unit of work.

    Through the session, so the SQLite write lock (taskapi/db/sqlite_writes.py) is taken as for
    a flush and both statements share the transaction; the ORM flush cost about 1.8 M instructions
    more (bench/README.md). Every column but the id is known here, so the row is not read back.
    """
    now = utcnow()
    values = {"title": data["title"], "description": data["description"], "completed": data["completed"],
              "priority": data["priority"], "due_date": data["due_date"], "owner_id": owner_id,
              "created_at": now, "updated_at": now, "version": 1}
    task_id = db.session.execute(INSERT_TASK, values).scalar_one()
    adjust_task_count(db.session.connection(), owner_id, 1)
    return TaskRow(id=task_id, **values)


def update_task(task, changes):
    """Apply validated changes and save; the UPDATE only matches the version that was read."""
    for field, value in changes.items():
        setattr(task, field, value)
    db.session.flush()  # the versioned UPDATE: a lost race is a 412 here, before anything is answered
    response = task_response(task, 200)
    db.session.commit()
    return response


def task_response(task, status):
    """The task's JSON document with its ETag, built before commit so no expired row is read back.

    A ready Response passes flask-smorest's schema by; TaskSchema still documents it and
    tests/tasks/test_list_documents.py holds task_document() equal to it.
    """
    response = jsonify(task_document(task, owner_names([task])[task.owner_id]))
    response.status_code = status
    response.headers.update(etag_header(task))
    return response

