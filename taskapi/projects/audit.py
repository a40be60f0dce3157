"""Each project's audit trail: a receiver of ``project_event`` stores it, and copies it to the person concerned."""

from datetime import datetime

from sqlalchemy import func, select

from taskapi.auth.audit.events import client_ip, client_user_agent, record
from taskapi.extensions import db
from taskapi.http.pagination import SortKey, fetch_page
from taskapi.models import ProjectEvent, utcnow
from taskapi.signals import ProjectEventType, project_event

# Task creations and changes are for webhooks; the trail keeps who changed the project and its people.
NOT_AUDITED = frozenset({ProjectEventType.TASK_CREATED, ProjectEventType.TASK_UPDATED,
                         ProjectEventType.TASK_COMPLETED, ProjectEventType.WEBHOOK_PING})
NEWEST_FIRST = SortKey("-at", ProjectEvent.at, ProjectEvent.id, descending=True, value_types=(datetime, int))
# What a security event of the person concerned keeps of the data: facts, never a document.
COPIED = ("role", "old_role", "email", "name")


@project_event.connect
def store_project_event(project_id, *, type, actor_id, data, subject_id=None, **_):  # noqa: A002
    """Add the event to the project's trail and to the security log of the user it concerns."""
    if type in NOT_AUDITED:
        return
    details = {"data": data}
    db.session.add(ProjectEvent(project_id=project_id, type=str(type), at=utcnow(), user_id=actor_id,
                                subject_id=subject_id, ip=client_ip(), user_agent=client_user_agent(),
                                details=details))
    if subject_id is not None:
        facts = {key: data[key] for key in COPIED if data.get(key) is not None}
        record(str(type), user_id=subject_id, project_id=project_id, actor_id=actor_id, **facts)


def project_events_page(project_id: int, args: dict):
    """The Page of the project's audit trail, newest first."""
    conditions = [ProjectEvent.project_id == project_id]
    if args.get("type"):
        conditions.append(ProjectEvent.type == args["type"])
    total = db.session.scalar(select(func.count()).select_from(ProjectEvent).where(*conditions))
    return fetch_page(db.session, select(ProjectEvent).where(*conditions), NEWEST_FIRST, args, total,
                      lambda event: (event.at, event.id))
