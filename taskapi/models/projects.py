"""Shared projects and their members (each member holds one role)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, bindparam, event, update
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow
from taskapi.models.users import User


class ProjectRole(StrEnum):
    """A member's role; each role may do all that the ones before it may."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer, 1 for editor, 2 for admin."""
        return PROJECT_ROLE_RANKS[self]

    def allows(self, needed: "ProjectRole") -> bool:
        """True when this role may do what ``needed`` may."""
        return self.rank >= needed.rank


PROJECT_ROLE_RANKS = {role: rank for rank, role in enumerate(ProjectRole)}


class Project(Model):
    """A list of tasks shared by its members."""

    __tablename__ = "projects"
    # Ids are never reused (SQLite would hand a deleted id to the next row without AUTOINCREMENT).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Its tasks, maintained with every task insert, delete and move (as users.task_count is for personal ones).
    task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Of those: completed, and per priority, as users has them for personal tasks (deferred likewise).
    completed_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    low_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    normal_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    high_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    # Its webhooks that are on, kept in step by taskapi/models/webhooks.py: the outbox reads it with the
    # project row the request has loaded, so an event in a project without webhooks costs no query.
    active_webhook_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self):
        return f"<Project {self.id} {self.name!r}>"


class ProjectMember(Model):
    """One user's membership of one project, with its role."""

    __tablename__ = "project_members"
    __table_args__ = (
        CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="ck_project_members_role"),
        Index("ix_project_members_user", "user_id", "project_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("uq_project_members_project_user", ProjectMember.project_id, ProjectMember.user_id, unique=True)

# Built once, like ADJUST_TASK_COUNT: users.project_count follows every membership row.
ADJUST_PROJECT_COUNT = (update(User.__table__).where(User.__table__.c.id == bindparam("user_id"))
                        .values(project_count=User.__table__.c.project_count + bindparam("delta")))


@event.listens_for(ProjectMember, "after_insert")
def count_joined_project(mapper, connection, member):
    connection.execute(ADJUST_PROJECT_COUNT, {"user_id": member.user_id, "delta": 1})


@event.listens_for(ProjectMember, "after_delete")
def count_left_project(mapper, connection, member):
    connection.execute(ADJUST_PROJECT_COUNT, {"user_id": member.user_id, "delta": -1})


class ProjectEvent(Model):
    """One entry of a project's audit trail: what happened, who did it, to whom (never a secret)."""

    __tablename__ = "project_events"
    __table_args__ = (
        Index("ix_project_events_project_at", "project_id", "at", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: the trail (project.deleted included) outlives the project; ids are never reused.
    project_id: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # who did it
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # whom it concerns
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
