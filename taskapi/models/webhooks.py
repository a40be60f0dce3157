"""Project webhooks and their deliveries (the outbox: one row per message, kept while it is retried)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    update,
)
from sqlalchemy.orm import Mapped, attributes, mapped_column, object_session

from taskapi.extensions import Model
from taskapi.models.projects import Project
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


# projects.active_webhook_count follows every webhook switched on or off, created or deleted. A switch
# is a conditional UPDATE that moves the count only when it changes the row: of two transactions
# switching one webhook off at once (a 410 and a PATCH), the second waits for the first's row lock,
# then matches nothing, so the count moves once. Statements built once, like ADJUST_PROJECT_COUNT.
SWITCH_WEBHOOK = (update(Webhook.__table__).where(Webhook.__table__.c.id == bindparam("webhook_id"),
                                                  Webhook.__table__.c.active == bindparam("was"))
                  .values(active=bindparam("now")))
ADJUST_WEBHOOK_COUNT = (update(Project.__table__).where(Project.__table__.c.id == bindparam("project_id"))
                        .values(active_webhook_count=Project.__table__.c.active_webhook_count + bindparam("delta")))


def count_active_webhooks(connection, webhook, delta):
    """Move the project's count of active webhooks by ``delta``; the loaded project forgets its stale value."""
    connection.execute(ADJUST_WEBHOOK_COUNT, {"project_id": webhook.project_id, "delta": delta})
    session = object_session(webhook)
    project = session.identity_map.get(session.identity_key(Project, webhook.project_id)) if session else None
    if project is not None:
        session.expire(project, ["active_webhook_count"])


def switch_webhook(connection, webhook, now):
    """Turn the stored row's ``active`` to ``now``; when that changed it, count the change."""
    if connection.execute(SWITCH_WEBHOOK, {"webhook_id": webhook.id, "was": not now, "now": now}).rowcount == 1:
        count_active_webhooks(connection, webhook, 1 if now else -1)


@event.listens_for(Webhook, "after_insert")
def count_created_webhook(mapper, connection, webhook):
    if webhook.active:
        count_active_webhooks(connection, webhook, 1)


@event.listens_for(Webhook, "before_update")
def count_switched_webhook(mapper, connection, webhook):
    history = attributes.get_history(webhook, "active")
    if history.added and not history.unchanged:
        switch_webhook(connection, webhook, bool(history.added[0]))


@event.listens_for(Webhook, "before_delete")
def count_deleted_webhook(mapper, connection, webhook):
    switch_webhook(connection, webhook, False)


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
