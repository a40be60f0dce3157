"""The User model."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Index, Integer, String, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskapi.extensions import Model
from taskapi.http.scopes import Scope
from taskapi.models.types import SiteRole, UTCDateTime, utcnow

if TYPE_CHECKING:
    from taskapi.models.tasks import Task


class User(Model):
    """An account; usernames and emails are unique case-insensitively."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'admin')", name="ck_users_role"),
        CheckConstraint("reminders IN ('off', 'daily')", name="ck_users_reminders"),
        {"sqlite_autoincrement": True},  # an id is never handed out twice (deferred work binds to it)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(10), default=SiteRole.USER.value, server_default=SiteRole.USER.value)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by password change, logout-all and disabling: tokens carry it as "ver".
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Reset to False whenever the email changes.
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # TOTP: the secret is encrypted at rest (taskapi.two_factor); set at setup, active once enabled.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The newest 30-second step a code was accepted for: no code is accepted twice (replay guard).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The personal tasks (project_id NULL) this user owns, maintained with every task insert, delete and
    # move, so X-Total-Count never counts a million rows.
    task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Of those: completed, and per priority (tasks.TASK_COUNTS), kept by the same writes: a single
    # filter's X-Total-Count. Deferred: only that listing reads them (with its own statement), and
    # every request loads its user.
    completed_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    low_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    normal_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    high_task_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0", deferred=True)
    # The projects this user is a member of, maintained with every membership insert and delete: a
    # listing of someone in no project skips the projects without asking the database.
    project_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Due-date reminder digest ("off" or "daily") at REMINDER_HOUR in this IANA zone (None: UTC).
    reminders: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    timezone: Mapped[str | None] = mapped_column(String(64))

    tasks: Mapped[list["Task"]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True, foreign_keys="Task.owner_id"
    )

    # Not a column: the scopes of the personal access token this request authenticated with, or
    # None for a session (which holds them all). Set by taskapi.auth.sessions.token_auth for the request.
    token_scopes = None

    @property
    def is_admin(self):
        """True for the admin role, used with a session or with an access token granted the admin scope."""
        return self.role == SiteRole.ADMIN and (self.token_scopes is None or Scope.ADMIN in self.token_scopes)

    def invalidate_tokens(self):
        """Make every token issued so far fail verification (exact, no clock involved)."""
        self.token_version = (self.token_version or 0) + 1

    def __repr__(self):
        return f"<User {self.id} {self.username!r}>"


Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)
