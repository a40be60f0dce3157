"""The Task model."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    bindparam,
    event,
    false,
    inspect,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskapi.extensions import Model
from taskapi.models.projects import Project
from taskapi.models.types import PRIORITIES, UTCDateTime, utcnow
from taskapi.models.users import User

DUE_LATEST, DUE_EARLIEST = text("coalesce(due_date, '9999-12-31')"), text("coalesce(due_date, '0001-01-01')")
PERSONAL, IN_PROJECT = text("project_id IS NULL"), text("project_id IS NOT NULL")
# What each part of a listing reads in order.
PART_ORDERS: dict[str, list[Any]] = {
    "created": ["created_at"], "title": ["title"], "priority": ["priority"], "due": [DUE_LATEST],
    "due_desc": [DUE_EARLIEST], "completed": ["completed", "created_at"], "priority_due": ["priority", DUE_LATEST]}


class Task(Model):
    """A to-do item owned by exactly one user."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("priority IN (0, 1, 2)", name="ck_tasks_priority"),
        # Deleting a user, and an admin's listing of one owner's tasks.
        Index("ix_tasks_owner_created", "owner_id", "created_at", "id"),
        Index("ix_tasks_assignee", "assignee_id"),
        # The listing's parts (access.visible_task_parts) filtered, counted and sorted from one range each:
        # partial indexes over personal tasks and over project tasks; due dates sort by the
        # coalesce() the listing writes. SQLite's FTS5 search table and its triggers, and PostgreSQL's
        # pg_trgm indexes, live in migration 0018_search only.
        *(Index(f"ix_tasks_personal_{name}", "owner_id", *columns, "id", sqlite_where=PERSONAL,
                postgresql_where=PERSONAL) for name, columns in PART_ORDERS.items()),
        *(Index(f"ix_tasks_project_{name}", "project_id", *columns, "id", sqlite_where=IN_PROJECT,
                postgresql_where=IN_PROJECT) for name, columns in PART_ORDERS.items()),
        {"sqlite_autoincrement": True},  # a new task never gets a deleted one's id (nor its ETag)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # active_history on what COUNTED names: the counts' after_update listener reads the values before a change.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), active_history=True)
    # None: a personal task (only its owner and site admins see it).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), active_history=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    completed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), active_history=True)
    priority: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1", active_history=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: every UPDATE/DELETE says "WHERE version = <the version read>".
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    owner: Mapped["User"] = relationship(back_populates="tasks", foreign_keys=[owner_id])  # noqa: F821
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])  # noqa: F821

    def __repr__(self):
        return f"<Task {self.id} owner={self.owner_id}>"


# The counts kept beside each task_count (users': personal tasks; projects': theirs) and the parameter
# carrying each one's change: every write folds them all into its one UPDATE (a create costs no statement more).
TASK_COUNTS = {"task_count": "delta", "completed_task_count": "completed_delta",
               **{f"{name}_task_count": f"{name}_delta" for name in PRIORITIES}}
COUNTED = ("owner_id", "project_id", "completed", "priority")  # what decides where and how a task is counted


def adjusted_counts(table):
    """UPDATE ``table`` (users or projects) adding each TASK_COUNTS parameter to its count, built once."""
    return {column: table.c[column] + bindparam(parameter) for column, parameter in TASK_COUNTS.items()}


ADJUST_TASK_COUNT = (update(User.__table__).where(User.__table__.c.id == bindparam("owner_id"))
                     .values(adjusted_counts(User.__table__)))
ADJUST_PROJECT_TASK_COUNT = (update(Project.__table__).where(Project.__table__.c.id == bindparam("project_id"))
                             .values(adjusted_counts(Project.__table__)))


# Each priority's parameter, and all of them at zero: built once, a create's deltas cost no formatting.
PRIORITY_DELTAS = {number: f"{name}_delta" for name, number in PRIORITIES.items()}
NO_PRIORITY_DELTAS = dict.fromkeys(PRIORITY_DELTAS.values(), 0)


def task_deltas(completed, priority, sign):
    """The TASK_COUNTS parameters counting one task in (``sign`` 1) or out (-1)."""
    deltas = {"delta": sign, "completed_delta": sign if completed else 0, **NO_PRIORITY_DELTAS}
    deltas[PRIORITY_DELTAS[priority]] = sign
    return deltas


def count_task(connection, owner_id, project_id, deltas):
    """Keep the counts where a task lives (its project, or its owner's personal tasks) exact in the write's transaction.

    ``deltas``: task_deltas(), or the difference of two of them.
    """
    if project_id is None:
        connection.execute(ADJUST_TASK_COUNT, {"owner_id": owner_id, **deltas})
    else:
        connection.execute(ADJUST_PROJECT_TASK_COUNT, {"project_id": project_id, **deltas})


@event.listens_for(Task, "after_insert")
def count_inserted_task(mapper, connection, task):
    count_task(connection, task.owner_id, task.project_id, task_deltas(task.completed, task.priority, 1))


@event.listens_for(Task, "after_delete")
def count_deleted_task(mapper, connection, task):
    count_task(connection, task.owner_id, task.project_id, task_deltas(task.completed, task.priority, -1))


def place(owner_id, project_id):
    """The row a task is counted in: its project's, or (a personal task) its owner's."""
    return (None, project_id) if project_id is not None else (owner_id, None)


@event.listens_for(Task, "after_update")
def recount_updated_task(mapper, connection, task):
    """A move (between personal and a project, or projects), a new owner, completion or priority: recount."""
    state = inspect(task)
    before = [state.attrs[name].history.deleted or [getattr(task, name)] for name in COUNTED]
    (owner_id, project_id, completed, priority) = (values[0] for values in before)
    if (owner_id, project_id, completed, priority) == tuple(getattr(task, name) for name in COUNTED):
        return
    out, into = task_deltas(completed, priority, -1), task_deltas(task.completed, task.priority, 1)
    if place(owner_id, project_id) == place(task.owner_id, task.project_id):  # counted in the same row
        count_task(connection, task.owner_id, task.project_id, {name: out[name] + into[name] for name in out})
        return
    count_task(connection, owner_id, project_id, out)
    count_task(connection, task.owner_id, task.project_id, into)
