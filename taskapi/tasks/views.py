"""Task views: list, create, read, update and delete, each through taskapi.projects.access."""

from flask import jsonify, request, url_for
from flask.views import MethodView
from flask_jwt_extended import current_user

from taskapi.http.contract import headers
from taskapi.http.etags import conditional_read, conditional_write, etag_header
from taskapi.http.hosts import external_url
from taskapi.http.pagination import paged
from taskapi.http.scopes import Scope
from taskapi.models import ProjectRole
from taskapi.projects.access import administers_a_project, task_for
from taskapi.tasks import bp
from taskapi.tasks.listing import TaskListArgsSchema, listing_page, owner_page
from taskapi.tasks.schemas import (
    TaskPatchSchema,
    TaskSchema,
    TaskWriteSchema,
    row_user_ids,
    task_document,
    task_documents,
)
from taskapi.tasks.writes import delete_task, insert_task, names_of, update_task, user_names

# What each method needs over the task its URL names (taskapi.projects.access.task_for).
NEEDS = {"GET": ProjectRole.VIEWER, "HEAD": ProjectRole.VIEWER, "PATCH": ProjectRole.EDITOR,
         "PUT": ProjectRole.EDITOR, "DELETE": ProjectRole.ADMIN}
NOT_YOURS = "No such task, or one you cannot see"
MAY_NOT_WRITE = "A viewer of its project, a move to a project you do not edit, or a confined token's personal task"


@bp.view_arg_loader("task_id", "task")
def load_task(task_id):
    """The task with this id if the caller's role over it allows the method (views receive it as ``task``).

    :raises 404: no such task, or one the caller cannot see (so ids leak nothing)
    :raises 403: a task the caller sees with too low a role (a viewer writing, an editor deleting)
    """
    task, _ = task_for(task_id, current_user, NEEDS.get(request.method, ProjectRole.ADMIN))
    return task


def task_links():
    """OpenAPI links from a created task to the operations on it (clients and schemathesis follow them)."""
    by_id = "#/paths/~1tasks~1{task_id}"
    operations = {"GetTask": "get", "UpdateTask": "patch", "ReplaceTask": "put", "DeleteTask": "delete"}
    return {name: {"operationRef": f"{by_id}/{method}", "parameters": {"task_id": "$response.body#/id"}}
            for name, method in operations.items()}


@bp.route("", strict_slashes=False)
class Tasks(MethodView):
    @bp.protected(scope=Scope.TASKS_READ)
    @bp.arguments(TaskListArgsSchema, location="query")
    @bp.response(200, TaskSchema(many=True))
    @bp.alt_response(403, description="all or owner asked for by a non-admin")
    @paged
    def get(self, args):
        """List the caller's personal tasks and their projects' (filters, search, sort); paging in headers."""
        page = owner_page(args) or listing_page(args)  # the prepared unfiltered listing, or the general one
        # jsonify, like task_response(): TaskSchema only documents it
        return jsonify(task_documents(page.rows, names_of(row_user_ids(page.rows)))), page

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.doc(responses={201: {"links": task_links()}})
    @bp.arguments(TaskWriteSchema)
    @bp.response(201, TaskSchema, headers=headers("Location", "ETag"))
    @bp.alt_response(403, description="Not an editor of the project named, or a personal task by a confined token")
    @bp.alt_response(404, description="No such project, or not a member")
    def post(self, data):
        """Create a task owned by the caller (personal, or in a project they edit); Location points at it."""
        task = insert_task(current_user.id, data)
        response = task_response(task, 201)
        response.headers["Location"] = external_url(url_for("tasks.TaskById", task_id=task.id))
        return response


@bp.route("/<int(max=2147483647):task_id>", strict_slashes=False)
class TaskById(MethodView):
    @bp.protected(scope=Scope.TASKS_READ)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description=NOT_YOURS)
    @conditional_read("task")
    def get(self, task):
        """One task (its owner, its project's members, site admins); honours If-None-Match with 304."""
        return task_response(task, 200)

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.arguments(TaskPatchSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(403, description=MAY_NOT_WRITE)
    @bp.alt_response(404, description=NOT_YOURS)
    @conditional_write("task")
    def patch(self, data, task):
        """Change some fields of a task (owner, project editors, site admins); may move it; If-Match applies."""
        return saved(task, data)

    @bp.protected(scope=Scope.TASKS_WRITE)
    @bp.arguments(TaskWriteSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(403, description=MAY_NOT_WRITE)
    @bp.alt_response(404, description=NOT_YOURS)
    @conditional_write("task")
    def put(self, data, task):
        """Replace a task's writable fields (omitted project_id: it stays where it is); If-Match applies."""
        return saved(task, data)

    @bp.protected(admin=administers_a_project, scope=Scope.TASKS_WRITE)  # project admins pass this check too
    @bp.response(204)
    @bp.alt_response(404, description=NOT_YOURS)
    @conditional_write("task", status=None)
    def delete(self, task):
        """Delete a task (site admins; project admins in their projects; 403 for anyone else, before any lookup)."""
        delete_task(task)


def saved(task, changes):
    """Apply ``changes`` and answer with the task's new document."""
    update_task(task, changes)
    return task_response(task, 200)


def task_response(task, status):
    """The task's JSON document with its ETag, built before the request's commit so no expired row is read back.

    A ready Response passes flask-smorest's schema by; TaskSchema still documents it and
    tests/tasks/test_list_documents.py holds task_document() equal to it.
    """
    response = jsonify(task_document(task, user_names([task])))
    response.status_code = status
    response.headers.update(etag_header(task))
    return response
