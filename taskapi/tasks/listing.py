"""GET /tasks: whose tasks, filters, case-insensitive search, sort orders and the honest total."""

from datetime import date, datetime

from flask_jwt_extended import current_user
from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy import bindparam, false, func, literal, or_, select

from taskapi.auth.accounts import find_user_by_username
from taskapi.auth.token_auth import token_project_restriction
from taskapi.db.engine import escape_like
from taskapi.extensions import db
from taskapi.http.api import ADMIN_REQUIRED
from taskapi.http.pagination import PageArgsSchema, Pages, SortKey
from taskapi.models import PRIORITIES, Task, User
from taskapi.tasks.schemas import TASK_COLUMN_NAMES

# Nulls sort last both ways: a missing due date reads as "no deadline".
LATEST, EARLIEST = date(9999, 12, 31), date(1, 1, 1)
SORT_KEYS = {
    key.name: key
    for key in (
        SortKey("created_at", Task.created_at, Task.id, value_types=(datetime, int)),
        SortKey("-created_at", Task.created_at, Task.id, descending=True, value_types=(datetime, int)),
        SortKey("due_date", func.coalesce(Task.due_date, LATEST), Task.id, value_types=(date, int)),
        SortKey("-due_date", func.coalesce(Task.due_date, EARLIEST), Task.id, descending=True,
                value_types=(date, int)),
        SortKey("priority", Task.priority, Task.id, value_types=(int, int)),
        SortKey("-priority", Task.priority, Task.id, descending=True, value_types=(int, int)),
        SortKey("title", Task.title, Task.id, value_types=(str, int)),
        SortKey("-title", Task.title, Task.id, descending=True, value_types=(str, int)),
    )
}


class TaskListArgsSchema(PageArgsSchema):
    """GET /tasks query parameters."""

    completed = fields.Boolean(load_default=None)
    priority = fields.String(load_default=None, validate=validate.OneOf(list(PRIORITIES)))
    due_before = fields.Date(load_default=None, metadata={"description": "due_date strictly before"})
    due_after = fields.Date(load_default=None, metadata={"description": "due_date strictly after"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                      metadata={"description": "Case-insensitive substring of title or description"})
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(list(SORT_KEYS)))
    every_owner = fields.Boolean(load_default=False, data_key="all",
                                 metadata={"description": "Admin only: every user's tasks"})
    owner = fields.String(load_default=None, metadata={"description": "Admin only: this user's tasks"})


def owner_condition(args):
    """Whose tasks: the caller's, unless an admin asks for all or for one owner's.

    :raises 403: a non-admin asked for all tasks or another owner's
    """
    if (args["every_owner"] or args["owner"]) and not current_user.is_admin:
        abort(403, message=ADMIN_REQUIRED)
    if token_project_restriction() is not None:  # a token confined to a project sees no personal task
        return false(), None
    if args["every_owner"]:
        return None, None
    if args["owner"]:
        owner = find_user_by_username(args["owner"])
        return Task.owner_id == (owner.id if owner else None), owner
    return Task.owner_id == current_user.id, current_user


def search_condition(text):
    """Title or description contains ``text``, ignoring case (Unicode-aware on both databases)."""
    pattern = f"%{escape_like(text.casefold())}%"
    if db.engine.dialect.name == "sqlite":
        # SQLite's lower() folds ASCII only; taskapi registers a Unicode casefold() on each connection.
        fold = func.casefold
        return or_(fold(Task.title).like(pattern, escape="\\"), fold(Task.description).like(pattern, escape="\\"))
    return or_(Task.title.ilike(pattern, escape="\\"), Task.description.ilike(pattern, escape="\\"))


def filter_conditions(args):
    """The WHERE clauses for the filters given."""
    conditions = []
    if args["completed"] is not None:
        conditions.append(Task.completed == args["completed"])
    if args["priority"]:
        conditions.append(Task.priority == PRIORITIES[args["priority"]])
    if args["due_before"]:
        conditions.append(Task.due_date < args["due_before"])
    if args["due_after"]:
        conditions.append(Task.due_date > args["due_after"])
    if args["q"]:
        conditions.append(search_condition(args["q"]))
    return conditions


# Plain rows, not Task entities: a listing only reads them, and building 50 ORM objects
# was the largest cost left in GET /tasks (bench/README.md).
TASK_ROW = select(*(Task.__table__.c[name] for name in TASK_COLUMN_NAMES))
# One owner's tasks, unfiltered (the common listing): statements built once per sort order.
OWNER_PAGES = Pages(TASK_ROW.where(Task.owner_id == bindparam("owner_id")), plain_rows=True)


def sort_values(sort_key, task):
    """A task's values for ``sort_key``'s expressions, for the next cursor."""
    if sort_key.name.endswith("created_at"):
        return task.created_at, task.id
    if sort_key.name.endswith("due_date"):
        return task.due_date or (LATEST if not sort_key.descending else EARLIEST), task.id
    return (task.priority if sort_key.name.endswith("priority") else task.title), task.id


def owner_page(args):
    """The Page of an unfiltered listing of one owner's tasks, or None for any other listing."""
    if filter_conditions(args):
        return None
    ownership, owner = owner_condition(args)
    if ownership is None or owner is None:
        return None
    sort_key = SORT_KEYS[args["sort"]]
    return OWNER_PAGES.fetch(db.session, sort_key, args, owner.task_count,
                             lambda task: sort_values(sort_key, task), owner_id=owner.id)


def listing_query(args):
    """(query, total) for GET /tasks; without filters the total is the maintained per-owner count."""
    ownership, owner = owner_condition(args)
    if ownership is not None and owner is None:  # an admin named an owner who does not exist
        return TASK_ROW.where(false()), 0
    filters = filter_conditions(args)
    conditions = ([ownership] if ownership is not None else []) + filters
    query = TASK_ROW.where(*conditions)
    if filters:
        total = db.session.scalar(select(func.count()).select_from(Task).where(*conditions))
    elif owner is not None:
        total = owner.task_count
    else:
        total = db.session.scalar(select(func.coalesce(func.sum(User.task_count), literal(0))))
    return query, total
