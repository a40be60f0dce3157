"""The outbox: a project event becomes one delivery row per subscribed webhook, in the same transaction.

``write_deliveries`` receives ``project_event`` (taskapi/signals.py) before the change commits, so
a rolled-back change sends nothing and a committed one cannot lose its deliveries. After the
commit each new row's send job is queued; if the queue cannot take it, the sweeper
(taskapi/webhooks/sweeper.py) sends the row later. ``project.deleted`` is announced just before
the project goes: its rows, and every other open one, are detached to outlive their webhooks.
"""

import secrets

from sqlalchemy import String, bindparam, cast, exists, func, insert, literal, select

from taskapi.db.sqlite_writes import take_write_lock
from taskapi.db.unit_of_work import note_direct_write
from taskapi.extensions import db
from taskapi.http.fast_paths import compact_json
from taskapi.http.fields import utc_timestamp
from taskapi.models import DeliveryStatus, Webhook, WebhookDelivery, utcnow
from taskapi.projects.access import loaded_project
from taskapi.signals import ProjectEventType, project_event
from taskapi.webhooks.delivery import send_delivery
from taskapi.webhooks.detaching import detach_open_deliveries
from taskapi.webhooks.queueing import queue_after_commit

SUBSCRIBABLE = (ProjectEventType.TASK_CREATED, ProjectEventType.TASK_UPDATED, ProjectEventType.TASK_COMPLETED,
                ProjectEventType.TASK_DELETED, ProjectEventType.PROJECT_UPDATED, ProjectEventType.PROJECT_DELETED,
                ProjectEventType.MEMBER_ADDED, ProjectEventType.MEMBER_REMOVED,
                ProjectEventType.MEMBER_ROLE_CHANGED)
# Core, on the session's connection, built once: the ORM's flush of one row cost more than the rest
# of a delivery together (bench/README.md). One INSERT ... SELECT writes the rows of every active
# webhook subscribed to the event; each row's message id is the event's random token and its webhook.
WEBHOOKS, DELIVERIES = Webhook.__table__, WebhookDelivery.__table__
# The JSON list of subscribed events, one text value a row: SQLite's json_each, PostgreSQL's own.
EVENT_ROWS = {"sqlite": func.json_each, "postgresql": func.json_array_elements_text}
INSERT_DELIVERY = insert(DELIVERIES).returning(DELIVERIES.c.id)


def subscribed_deliveries(event_rows):
    """INSERT ... SELECT ... RETURNING of one delivery per active webhook of a project subscribed to an event."""
    events, event = event_rows(WEBHOOKS.c.events).table_valued("value"), bindparam("event", type_=String)
    subscribes = exists(select(literal(1)).select_from(events).where(events.c.value == event))
    now = bindparam("now", type_=DELIVERIES.c.created_at.type)
    rows = select(WEBHOOKS.c.id, literal("msg_") + bindparam("token", type_=String) + cast(WEBHOOKS.c.id, String),
                  event, bindparam("body", type_=String),
                  literal(DeliveryStatus.PENDING.value), literal(0), now, now).where(
        WEBHOOKS.c.project_id == bindparam("project_id"), WEBHOOKS.c.active.is_(True), subscribes)
    return insert(DELIVERIES).from_select(
        ["webhook_id", "message_id", "event", "body", "status", "attempts", "next_attempt_at", "created_at"], rows,
    ).returning(DELIVERIES.c.id)


INSERT_SUBSCRIBED = {dialect: subscribed_deliveries(rows) for dialect, rows in EVENT_ROWS.items()}


@project_event.connect
def write_deliveries(project_id, *, type, actor_id=None, data=None, subject_id=None, **extra):  # noqa: A002
    """Add a delivery of this event for each active webhook of the project that subscribes to it."""
    if type not in SUBSCRIBABLE or not has_active_webhooks(project_id):
        return
    session = db.session()
    take_write_lock(session)  # as the session's own writes do (taskapi/db/sqlite_writes.py)
    note_direct_write(session)
    connection = session.connection()
    now = utcnow()
    added = connection.execute(INSERT_SUBSCRIBED[connection.dialect.name], {
        "project_id": project_id, "event": str(type), "body": message_body(type, now, data or {}),
        "token": secrets.token_urlsafe(18) + "_", "now": now}).scalars().all()
    for delivery_id in added:
        send_after_commit(delivery_id)
    if type == ProjectEventType.PROJECT_DELETED:
        detach_open_deliveries(project_id)


def has_active_webhooks(project_id: int) -> bool:
    """False when the project has no webhook switched on, read from the row the request loaded (else True)."""
    project = loaded_project(project_id)
    return project is None or project.active_webhook_count > 0


def message_body(event: str, now, data: dict) -> str:
    """The JSON every try of a delivery sends (and signs)."""
    return compact_json({"type": str(event), "timestamp": utc_timestamp(now), "data": data})


def store_delivery(webhook_id: int, event: str, data: dict) -> int:
    """Store one message for ``webhook_id``; returns its id."""
    now = utcnow()
    body = message_body(event, now, data)
    take_write_lock(db.session)  # as the session's own writes do (taskapi/db/sqlite_writes.py)
    note_direct_write(db.session)
    return db.session.connection().execute(INSERT_DELIVERY, {
        "webhook_id": webhook_id, "message_id": f"msg_{secrets.token_urlsafe(18)}", "event": str(event),
        "body": body, "status": DeliveryStatus.PENDING.value, "attempts": 0, "next_attempt_at": now,
        "created_at": now}).scalar_one()


def add_delivery(webhook_id: int, event: str, data: dict) -> WebhookDelivery:
    """Store one message for ``webhook_id``; its send job is queued after the commit."""
    delivery_id = store_delivery(webhook_id, event, data)
    send_after_commit(delivery_id)
    return db.session.get_one(WebhookDelivery, delivery_id)


def send_after_commit(delivery_id: int) -> None:
    """Queue the send job of ``delivery_id`` once the current transaction commits."""
    queue_after_commit(send_delivery, delivery_id)
