"""The Task model."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskapi.extensions import db
from taskapi.models.types import UTCDateTime, utcnow


class Task(db.Model):
    """A to-do item owned by exactly one user."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("priority IN (0, 1, 2)", name="ck_tasks_priority"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    completed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    priority: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    due_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped["User"] = relationship(back_populates="tasks")  # noqa: F821

    def __repr__(self):
        return f"<Task {self.id} owner={self.owner_id}>"
