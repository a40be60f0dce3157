"""The due-date reminder digests sent (or being sent): at most one per user and local day."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow

REMINDER_CHOICES = ("off", "daily")


class ReminderDigest(Model):
    """One user's digest for one local day, claimed by the job that sends it.

    The unique (user_id, local_date) pair is the once-a-day guarantee: of several jobs for the
    same day (retries, consumers, a restart) only the one that inserted the row may send.
    """

    __tablename__ = "reminder_digests"
    __table_args__ = (UniqueConstraint("user_id", "local_date", name="uq_reminder_digests_user_day"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    job_id: Mapped[str] = mapped_column(String(64))  # the queue job that owns the day (its retries keep the id)
    task_count: Mapped[int | None] = mapped_column(Integer)  # tasks listed; 0: nothing due, no mail
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<ReminderDigest user={self.user_id} {self.local_date}>"
