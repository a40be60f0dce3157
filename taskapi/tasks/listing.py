"""GET /tasks: which tasks (the caller's personal ones and their projects'), filters, search, sorts, the total."""

from datetime import date, datetime

from flask_jwt_extended import current_user
from marshmallow import fields, validate
from sqlalchemy import (
    Date,
    Integer,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    select,
    true,
)

from taskapi.auth.credentials.accounts import find_user_by_username
from taskapi.auth.sessions.token_auth import token_project_restriction
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.api import ADMIN_REQUIRED
from taskapi.http.pagination import PageArgsSchema, Pages, SortKey
from taskapi.models import PRIORITIES, Task, User
from taskapi.projects.access import PROJECT_TASKS, parts_of_scope, visible_scope, visible_task_parts, visible_to
from taskapi.tasks.filter_totals import FILTERS, counted_total
from taskapi.tasks.schemas import TASK_COLUMN_NAMES
from taskapi.tasks.scope_pages import page_of_parts, scope_page
from taskapi.tasks.search import search_page

# Nulls sort last both ways: a missing due date reads as "no deadline".
LATEST, EARLIEST = date(9999, 12, 31), date(1, 1, 1)
# Written out, not bound: the indexes of migration 0018_search hold exactly these expressions.
DUE_LATEST = func.coalesce(Task.due_date, literal_column(f"'{LATEST.isoformat()}'", Date))
DUE_EARLIEST = func.coalesce(Task.due_date, literal_column(f"'{EARLIEST.isoformat()}'", Date))
SORT_KEYS = {
    key.name: key
    for key in (
        SortKey("created_at", Task.created_at, Task.id, value_types=(datetime, int)),
        SortKey("-created_at", Task.created_at, Task.id, descending=True, value_types=(datetime, int)),
        SortKey("due_date", DUE_LATEST, Task.id, value_types=(date, int)),
        SortKey("-due_date", DUE_EARLIEST, Task.id, descending=True,
                value_types=(date, int)),
        SortKey("priority", Task.priority, Task.id, value_types=(int, int)),
        SortKey("-priority", Task.priority, Task.id, descending=True, value_types=(int, int)),
        SortKey("title", Task.title, Task.id, value_types=(str, int)),
        SortKey("-title", Task.title, Task.id, descending=True, value_types=(str, int)),
    )
}


class TaskListArgsSchema(PageArgsSchema):
    """GET /tasks query parameters."""

    parsed_from_query_alone = True  # taskapi.http.parsing.QUERY_ALONE: plain fields and validators only

    completed = fields.Boolean(load_default=None)
    priority = fields.String(load_default=None, validate=validate.OneOf(list(PRIORITIES)))
    due_before = fields.Date(load_default=None, metadata={"description": "due_date strictly before"})
    due_after = fields.Date(load_default=None, metadata={"description": "due_date strictly after"})
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                      metadata={"description": "Case-insensitive substring of title or description"})
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(list(SORT_KEYS)))
    every_owner = fields.Boolean(load_default=False, data_key="all",
                                 metadata={"description": "Admin only: every user's tasks"})
    owner = fields.String(load_default=None, metadata={"description": "Admin only: the tasks this user created"})
    project = fields.String(load_default=None, validate=validate.Regexp(r"^(none|[1-9][0-9]{0,9})$"), metadata={
        "description": "A project's id (a project you are not in lists nothing), or `none`: personal tasks only"})
    assignee = fields.String(load_default=None, validate=validate.Length(min=1, max=50), metadata={
        "description": "A username, `me`, or `none` (unassigned, personal tasks included)"})


def scope_parts(args):
    """Which tasks a listing starts from, as disjoint conditions: the caller's visible ones
    (access.visible_task_parts), or (admins) one owner's; None for every task.

    :raises DomainError 403: a non-admin asked for all tasks or another owner's
    """
    if (args["every_owner"] or args["owner"]) and not current_user.is_admin:
        raise DomainError(403, ADMIN_REQUIRED)
    if token_project_restriction() is not None:  # a token confined to a project: its tasks, whatever is asked
        return visible_task_parts(current_user, args["project"])
    if args["every_owner"]:
        return None
    if args["owner"]:
        owner = find_user_by_username(args["owner"])
        return [Task.owner_id == owner.id if owner else false()]
    return visible_task_parts(current_user, args["project"])


def project_condition(project):
    """``project``: ``none`` for personal tasks, or one project's id (an id that is not yours matches nothing)."""
    return Task.project_id.is_(None) if project == "none" else Task.project_id == int(project)


def assignee_condition(assignee):
    """``assignee``: ``me``, ``none``, or a username (an unknown one matches nothing)."""
    if assignee == "none":
        return Task.assignee_id.is_(None)
    if assignee == "me":
        return Task.assignee_id == current_user.id
    user = find_user_by_username(assignee)
    return Task.assignee_id == user.id if user else false()


def filter_conditions(args):
    """The WHERE clauses for the filters given, but the search (taskapi.tasks.search)."""
    conditions = []
    if args["completed"] is not None:
        conditions.append(Task.completed == args["completed"])
    if args["priority"]:
        conditions.append(Task.priority == PRIORITIES[args["priority"]])
    if args["due_before"]:
        conditions.append(Task.due_date < args["due_before"])
    if args["due_after"]:
        conditions.append(Task.due_date > args["due_after"])
    if args["project"]:
        conditions.append(project_condition(args["project"]))
    if args["assignee"]:
        conditions.append(assignee_condition(args["assignee"]))
    return conditions


# Plain rows, not Task entities: building 50 ORM objects was the largest cost left in GET /tasks.
TASK_ROW = select(*(Task.__table__.c[name] for name in TASK_COLUMN_NAMES))
# One owner's personal tasks, unfiltered (the listing of everyone in no project): statements built once
# per sort order.
OWNER_PAGES = Pages(TASK_ROW.where(Task.owner_id == bindparam("owner_id"), Task.project_id.is_(None)), plain_rows=True)
# A member's unfiltered listing while it is small: the OR of visible_task_parts(), its statements built once.
MEMBER_PAGES = Pages(TASK_ROW.where(visible_to(bindparam("user_id", type_=Integer))), plain_rows=True)
# Up to this many visible tasks a member's listing reads them all and sorts (bench/README.md, depth).
FEW_VISIBLE = 1_000


def sort_values(sort_key, task):
    """A task's values for ``sort_key``'s expressions, for the next cursor."""
    if sort_key.name.endswith("created_at"):
        return task.created_at, task.id
    if sort_key.name.endswith("due_date"):
        return task.due_date or (LATEST if not sort_key.descending else EARLIEST), task.id
    return (task.priority if sort_key.name.endswith("priority") else task.title), task.id


def owner_page(args):
    """The Page of the caller's unfiltered listing, its total from the maintained counts; None for any other listing.

    A caller in no project (users.project_count) reads their personal tasks (users.task_count); a
    member's add their projects' (access.visible_scope). A confined token takes the general path.
    """
    if args["every_owner"] or args["owner"] or any(args[name] is not None for name in FILTERS) or (
            token_project_restriction() is not None):
        return None
    sort_key = SORT_KEYS[args["sort"]]
    if current_user.project_count:
        scope = visible_scope(current_user)  # its ids and their projects' task_count in one statement
        in_projects = scope.project_tasks if scope is not None else db.session.connection().execute(
            PROJECT_TASKS, {"user_id": current_user.id}).scalar_one()
        total = current_user.task_count + in_projects
        if total <= FEW_VISIBLE:  # the OR of all parts, read whole and sorted: cheaper while they are few
            return MEMBER_PAGES.fetch(db.session, sort_key, args, total, lambda task: sort_values(sort_key, task),
                                      user_id=current_user.id)
        # Each part (personal, each project's) from its own index range in order, merged.
        return member_page(scope, None, None, sort_key, args, total)
    return OWNER_PAGES.fetch(db.session, sort_key, args, current_user.task_count,
                             lambda task: sort_values(sort_key, task), owner_id=current_user.id)


def member_page(scope, column, value, sort_key, args, total):
    """The Page of the caller's visible tasks (``scope``: access.visible_scope()) with ``column`` equal to
    ``value`` (None: all), as merged parts."""
    row_values = lambda task: sort_values(sort_key, task)  # noqa: E731
    filters = [] if column is None else [Task.__table__.c[column] == value]
    if scope is None or len(scope.project_ids) + (scope.owner_id is not None) < 2:  # one part: no merge
        return page_of_parts(TASK_ROW, parts_of_scope(current_user, scope), filters, sort_key, args, total, row_values)
    return scope_page(TASK_ROW, scope, column, value, sort_key, args, total, row_values)


def listing_page(args):
    """The Page for GET /tasks: the caller's visible tasks (or an admin's choice) with the filters, and the total."""
    sort_key = SORT_KEYS[args["sort"]]
    total = counted_total(args)  # None unless the caller's own listing with a lone completed or priority filter
    if total is not None:
        column = "completed" if args["completed"] is not None else "priority"
        value = args["completed"] if column == "completed" else PRIORITIES[args["priority"]]
        return member_page(visible_scope(current_user), column, value, sort_key, args, total)
    parts = scope_parts(args)
    filters = filter_conditions(args)
    row_values = lambda task: sort_values(sort_key, task)  # noqa: E731
    if parts is None and not filters and not args["q"]:  # every task: maintained personal counts, project tasks
        personal = db.session.scalar(select(func.coalesce(func.sum(User.task_count), literal(0))))
        total = personal + db.session.scalar(select(func.count()).select_from(Task).where(Task.project_id.isnot(None)))
        return page_of_parts(TASK_ROW, [true()], [], sort_key, args, total, row_values)
    parts = parts if parts is not None else [true()]
    if args["q"]:
        return search_page(TASK_ROW, parts, filters, args["q"], sort_key, args, row_values)
    # One count per disjoint part, each from an index range, summed in one statement.
    counts = [select(func.count()).select_from(Task).where(part, *filters).scalar_subquery() for part in parts]
    total = db.session.scalar(select(sum(counts[1:], counts[0])))
    return page_of_parts(TASK_ROW, parts, filters, sort_key, args, total, row_values)
