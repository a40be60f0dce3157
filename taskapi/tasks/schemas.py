"""Request and response schemas of the tasks blueprint."""

from collections import namedtuple
from functools import partial

from marshmallow import Schema, ValidationError, fields, validate

from taskapi.http.fields import StrictBoolean, UTCTimestamp, utc_timestamp
from taskapi.models import PRIORITIES, PRIORITY_NAMES

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000


class Title(fields.String):
    """A title, trimmed, 1-200 characters after trimming."""

    def _deserialize(self, value, attr, data, **kwargs):
        title = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(title) <= TITLE_MAX:
            raise ValidationError(f"Title must be 1-{TITLE_MAX} characters after trimming.")
        return title


class Priority(fields.String):
    """``low``, ``normal`` or ``high`` on the wire; 0, 1, 2 in the database."""

    def _serialize(self, value, attr, obj, **kwargs):
        return PRIORITY_NAMES.get(value)

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        if name not in PRIORITIES:
            raise ValidationError(f"Must be one of: {', '.join(PRIORITIES)}.")
        return PRIORITIES[name]


PROJECT_ID_HELP = ("The task's project (you must be an editor there; moving needs editor on both sides), "
                   "or null for a personal task")
ASSIGNEE_HELP = "A member's username (for a personal task: its owner's), or null"
ProjectId = partial(fields.Integer, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
Assignee = partial(fields.String, validate=validate.Length(min=1, max=50))


class TaskSchema(Schema):
    """A task as responses show it."""

    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    completed = fields.Boolean()
    priority = Priority(metadata={"enum": list(PRIORITIES)})
    due_date = fields.Date(allow_none=True)
    owner = fields.Function(lambda task: task.owner.username, metadata={"type": "string"})
    owner_id = fields.Integer()
    project_id = fields.Integer(allow_none=True, metadata={"description": "null: a personal task"})
    assignee = fields.Function(lambda task: task.assignee.username if task.assignee else None,
                               allow_none=True, metadata={"type": "string", "nullable": True})
    assignee_id = fields.Integer(allow_none=True)
    created_at = UTCTimestamp()
    updated_at = UTCTimestamp()


def task_document(task, names):
    """TaskSchema's document for one task (``names`` maps its owner's and assignee's ids to usernames).

    Dumping 50 rows through marshmallow was the largest cost of GET /tasks (see bench/README.md);
    tests/tasks/test_list_documents.py holds this equal to TaskSchema for every field.
    """
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
        "priority": PRIORITY_NAMES.get(task.priority),
        "due_date": task.due_date.isoformat() if task.due_date is not None else None,
        "owner": names[task.owner_id],
        "owner_id": task.owner_id,
        "project_id": task.project_id,
        "assignee": names[task.assignee_id] if task.assignee_id is not None else None,
        "assignee_id": task.assignee_id,
        "created_at": utc_timestamp(task.created_at),
        "updated_at": utc_timestamp(task.updated_at),
    }


# The columns a listing reads, in this order: task_documents() unpacks rows by position.
TASK_COLUMN_NAMES = ("id", "title", "description", "completed", "priority", "due_date", "owner_id",
                     "created_at", "updated_at", "version", "project_id", "assignee_id")
TaskRow = namedtuple("TaskRow", TASK_COLUMN_NAMES)  # type: ignore[misc]  # the names are a shared constant  # a created task, before any read
OWNER_AT, ASSIGNEE_AT = TASK_COLUMN_NAMES.index("owner_id"), TASK_COLUMN_NAMES.index("assignee_id")


def row_user_ids(rows):
    """The owner and assignee ids of listing rows, read by position.

    A SQLAlchemy Row's attribute access first fails as a class attribute (an AttributeError built
    and dropped) before it finds the column: per row, that was a visible share of GET /tasks.
    """
    ids = {row[OWNER_AT] for row in rows}
    ids.update(row[ASSIGNEE_AT] for row in rows)
    ids.discard(None)
    return ids


def task_documents(rows, names):
    """task_document() for rows of TASK_COLUMN_NAMES, unpacked by position (the list view's 50 rows).

    Dates and timestamps stay objects: the app's JSON provider writes them as task_document() spells
    them (taskapi/http/fast_paths.py), so these documents are for responses only.

    ``names`` maps owner and assignee ids to usernames; tests/tasks/test_list_documents.py holds
    the result equal to TaskSchema's.
    """
    return [
        {
            "id": task_id,
            "title": title,
            "description": description,
            "completed": completed,
            "priority": PRIORITY_NAMES.get(priority),
            "due_date": due_date,
            "owner": names[owner_id],
            "owner_id": owner_id,
            "project_id": project_id,
            "assignee": names[assignee_id] if assignee_id is not None else None,
            "assignee_id": assignee_id,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        for (task_id, title, description, completed, priority, due_date, owner_id, created_at, updated_at, _,
             project_id, assignee_id) in rows
    ]


class TaskWriteSchema(Schema):
    """POST and PUT body: a whole task; omitted fields take their defaults."""

    title = Title(required=True, metadata={"example": "Write tests"})
    description = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=DESCRIPTION_MAX))
    completed = StrictBoolean(load_default=False)
    priority = Priority(load_default=PRIORITIES["normal"], metadata={"enum": list(PRIORITIES)})
    due_date = fields.Date(load_default=None, allow_none=True, metadata={"example": "2026-12-01"})
    # No default: omitted on PUT, a task stays where it is (moving is always explicit); on POST, personal.
    project_id = ProjectId(allow_none=True, metadata={"description": PROJECT_ID_HELP})
    assignee = Assignee(load_default=None, allow_none=True, metadata={"description": ASSIGNEE_HELP})


class TaskPatchSchema(Schema):
    """PATCH body: any subset of the writable fields."""

    title = Title()
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    completed = StrictBoolean()
    priority = Priority(metadata={"enum": list(PRIORITIES)})
    due_date = fields.Date(allow_none=True)
    project_id = ProjectId(allow_none=True, metadata={"description": PROJECT_ID_HELP})
    assignee = Assignee(allow_none=True, metadata={"description": ASSIGNEE_HELP})
