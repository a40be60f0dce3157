"""The outbox: a project event becomes one delivery row per subscribed webhook, in the same transaction.

``write_deliveries`` receives ``project_event`` (taskapi/signals.py) before the change commits, so
a rolled-back change sends nothing and a committed one cannot lose its deliveries. After the
commit each new row's send job is queued; if the queue cannot take it, the sweeper
(taskapi/webhooks/sweeper.py) sends the row later. ``project.deleted`` is announced just before
the project goes: its rows, and every other open one, are detached to outlive their webhooks.
"""

import json
import secrets

from sqlalchemy import bindparam, select

from taskapi.extensions import db
from taskapi.http.fields import utc_timestamp
from taskapi.models import DeliveryStatus, Webhook, WebhookDelivery, utcnow
from taskapi.signals import ProjectEventType, project_event
from taskapi.webhooks.delivery import send_delivery
from taskapi.webhooks.detaching import detach_open_deliveries
from taskapi.webhooks.queueing import queue_after_commit

SUBSCRIBABLE = (ProjectEventType.TASK_CREATED, ProjectEventType.TASK_UPDATED, ProjectEventType.TASK_COMPLETED,
                ProjectEventType.TASK_DELETED, ProjectEventType.PROJECT_UPDATED, ProjectEventType.PROJECT_DELETED,
                ProjectEventType.MEMBER_ADDED, ProjectEventType.MEMBER_REMOVED,
                ProjectEventType.MEMBER_ROLE_CHANGED)
# Core, on the session's connection: a change in a project without webhooks pays one small SELECT.
WEBHOOKS = Webhook.__table__
SUBSCRIBED = select(WEBHOOKS.c.id, WEBHOOKS.c.events).where(WEBHOOKS.c.project_id == bindparam("project_id"),
                                                            WEBHOOKS.c.active.is_(True))


@project_event.connect
def write_deliveries(project_id, *, type, actor_id=None, data=None, subject_id=None, **extra):  # noqa: A002
    """Add a delivery of this event for each active webhook of the project that subscribes to it."""
    if type not in SUBSCRIBABLE:
        return
    webhooks = db.session.connection().execute(SUBSCRIBED, {"project_id": project_id}).all()
    for webhook_id, events in webhooks:
        if str(type) in events:
            add_delivery(webhook_id, type, data or {})
    if type == ProjectEventType.PROJECT_DELETED and webhooks:
        detach_open_deliveries(project_id)


def add_delivery(webhook_id: int, event: str, data: dict) -> WebhookDelivery:
    """Store one message for ``webhook_id``; its send job is queued after the commit."""
    now = utcnow()
    body = json.dumps({"type": str(event), "timestamp": utc_timestamp(now), "data": data},
                      separators=(",", ":"), ensure_ascii=False, default=str)
    delivery = WebhookDelivery(webhook_id=webhook_id, message_id=f"msg_{secrets.token_urlsafe(18)}", event=str(event),
                               body=body, status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now,
                               created_at=now)
    db.session.add(delivery)
    db.session.flush()
    send_after_commit(delivery.id)
    return delivery


def send_after_commit(delivery_id: int) -> None:
    """Queue the send job of ``delivery_id`` once the current transaction commits."""
    queue_after_commit(send_delivery, delivery_id)
