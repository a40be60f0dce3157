"""Task views: list, create, read, update (owner or admin), delete (admin)."""

from flask import url_for
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from sqlalchemy import func, select, true

from taskapi.accounts import find_user_by_username
from taskapi.extensions import db
from taskapi.models import Task
from taskapi.pagination import paging_headers
from taskapi.security import ADMIN_REQUIRED, BEARER_SECURITY, admin_required
from taskapi.tasks import bp
from taskapi.tasks.schemas import TaskListQuerySchema, TaskPatchSchema, TaskSchema, TaskWriteSchema


def get_owned_task_or_404(task_id):
    """The task with this id if the caller owns it or is an admin.

    :raises 404: no such task, or another user's task (so ids leak nothing)
    """
    task = db.session.get(Task, task_id)
    if task is None or (task.owner_id != current_user.id and not current_user.is_admin):
        abort(404, message="Task not found")
    return task


def listing_owner_filter(args):
    """The WHERE clause for GET /tasks: the caller's own tasks unless an admin asks for more.

    :raises 403: a non-admin asked for all tasks or another owner's
    """
    if (args["every_owner"] or args["owner"]) and not current_user.is_admin:
        abort(403, message=ADMIN_REQUIRED)
    if args["every_owner"]:
        return true()
    if args["owner"]:
        owner = find_user_by_username(args["owner"])
        return Task.owner_id == (owner.id if owner else None)
    return Task.owner_id == current_user.id


@bp.route("", strict_slashes=False)
class Tasks(MethodView):
    decorators = [jwt_required()]  # outermost: authentication before body validation

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(TaskListQuerySchema, location="query")
    @bp.response(200, TaskSchema(many=True))
    def get(self, args):
        """List the caller's tasks, newest first; paging in X-Total-Count and Link headers."""
        condition = listing_owner_filter(args)
        page, per_page = args["page"], args["per_page"]
        total = db.session.scalar(select(func.count()).select_from(Task).where(condition))
        tasks = db.session.scalars(
            select(Task)
            .where(condition)
            .order_by(Task.created_at.desc(), Task.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        return tasks, 200, paging_headers(total, page, per_page)

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(TaskWriteSchema)
    @bp.response(201, TaskSchema)
    def post(self, data):
        """Create a task owned by the caller; the Location header points at it."""
        task = Task(owner=current_user, **data)
        db.session.add(task)
        db.session.commit()
        return task, 201, {"Location": url_for("tasks.TaskById", task_id=task.id, _external=True)}


@bp.route("/<int(max=2147483647):task_id>", strict_slashes=False)
class TaskById(MethodView):
    decorators = [jwt_required()]  # outermost: authentication before body validation
    @bp.doc(security=BEARER_SECURITY)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    def get(self, task_id):
        """One task (owner or admin)."""
        return get_owned_task_or_404(task_id)

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(TaskPatchSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    def patch(self, data, task_id):
        """Change some fields of a task (owner or admin)."""
        return update_task(get_owned_task_or_404(task_id), data)

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(TaskWriteSchema)
    @bp.response(200, TaskSchema)
    @bp.alt_response(404, description="No such task, or not yours")
    def put(self, data, task_id):
        """Replace a task's writable fields (owner or admin)."""
        return update_task(get_owned_task_or_404(task_id), data)

    @bp.doc(security=BEARER_SECURITY)
    @bp.response(204)
    @bp.alt_response(403, description="Admin privileges required")
    @bp.alt_response(404, description="No such task")
    @admin_required()
    def delete(self, task_id):
        """Delete a task (admin only)."""
        task = db.session.get(Task, task_id)
        if task is None:
            abort(404, message="Task not found")
        db.session.delete(task)
        db.session.commit()


def update_task(task, changes):
    """Apply validated field changes to a task and save it."""
    for field, value in changes.items():
        setattr(task, field, value)
    db.session.commit()
    return task
