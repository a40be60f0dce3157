"""Invitations to a project, each bound to one canonical email address and known by a token's digest."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class InvitationStatus(StrEnum):
    """Where an invitation stands; ``expired`` is never stored, it is a pending one past ``expires_at``."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"
    EXPIRED = "expired"


STORED_STATUSES = ("pending", "accepted", "declined", "revoked")


class ProjectInvitation(Model):
    """An invitation to join a project with a role, mailed to one address.

    A newer invitation for the same project and address supersedes every older one: creating it
    revokes them, and acceptance also refuses any invitation that has a newer sibling (so two
    invitations created at once cannot both be used).
    """

    __tablename__ = "project_invitations"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'revoked')",
                        name="ck_project_invitations_status"),
        CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="ck_project_invitations_role"),
        Index("ix_project_invitations_project_email", "project_id", "email"),
        Index("ix_project_invitations_email", "email"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # The canonical form (normalised, lower-cased): compared as is with an account's verified address.
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # NULL once the inviter's account is gone: such an invitation can no longer be accepted.
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=InvitationStatus.PENDING.value)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def status_at(self, now: datetime) -> InvitationStatus:
        """The status a client sees at ``now``: a pending invitation past its expiry is ``expired``."""
        if self.status == InvitationStatus.PENDING and self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus(self.status)
