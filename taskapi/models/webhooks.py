"""Project webhooks and their deliveries (the outbox: one row per message, kept while it is retried)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class DeliveryStatus(StrEnum):
    """Where a delivery stands: waiting for its first try, delivered, waiting for a retry, given up."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    RETRYING = "retrying"
    FAILED = "failed"


class DisabledReason(StrEnum):
    """Why taskapi switched a webhook off by itself."""

    GONE = "gone"  # the endpoint answered 410 Gone
    FAILING = "failing"  # WEBHOOK_DISABLE_AFTER deliveries in a row failed


class Webhook(Model):
    """An endpoint a project's events are posted to, with its signing secret (encrypted)."""

    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_project", "project_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Fernet tokens under a key derived from SECRET_KEY; the previous secret signs too until it expires.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(20))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self):
        return f"<Webhook {self.id} project={self.project_id}>"


class WebhookDelivery(Model):
    """One message to one webhook; its ``message_id`` (the webhook-id header) stays the same on every try.

    A delivery still open when its project is deleted is *detached*: ``webhook_id`` becomes NULL
    (so the webhook's cascade passes it by) and it keeps a copy of what sending needs, the URL
    and the encrypted secrets (taskapi/webhooks/detaching.py). Attached rows leave those NULL.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'retrying', 'failed')",
                        name="ck_webhook_deliveries_status"),
        Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        CheckConstraint("webhook_id IS NOT NULL OR (url IS NOT NULL AND secret_encrypted IS NOT NULL)",
                        name="ck_webhook_deliveries_target"),
        UniqueConstraint("message_id", name="uq_webhook_deliveries_message_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON sent (and signed) on every try
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # When the next try is due; while a job sends, the end of its lease (see taskapi/webhooks/delivery.py).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the queue job that holds the lease
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A detached delivery's own copy of its webhook's endpoint and secrets (Fernet tokens, as stored there).
    url: Mapped[str | None] = mapped_column(String(2048))
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<WebhookDelivery {self.id} {self.event} {self.status}>"
