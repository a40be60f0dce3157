"""Due-date reminders: each morning, one digest of open tasks due that day or overdue, per user.

Every minute the consumer looks for users whose local time is REMINDER_HOUR (or up to
REMINDER_WINDOW_HOURS later, if no consumer ran at the hour) and queues a digest job for each
local day not yet claimed. The job claims the day by inserting (user, local date) under a
unique constraint, so of every job for that day (several consumers, a restart) only the one
that inserted the row sends; its own retries keep its id and may go on.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from huey import crontab
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from taskapi.db.unit_of_work import write_apart
from taskapi.extensions import db
from taskapi.jobs.queue import current_job_id, enqueue, job, periodic_job
from taskapi.mail.messages import send_reminder_digest_mail
from taskapi.models import PRIORITY_NAMES, ReminderDigest, Task, User, utcnow


@periodic_job(crontab())  # every minute: zones with :30 and :45 offsets reach 08:00 on the minute too
def queue_due_reminders():
    """Queue the digests that are due now."""
    queue_reminders(utcnow())


@job
def scan_reminders(now):
    """The same scan for a given instant (ISO 8601 with offset): a clock tests and operators control."""
    return queue_reminders(datetime.fromisoformat(now))


def reminder_users():
    """(id, time zone) of every active user with reminders on and a verified email address."""
    return db.session.execute(select(User.id, User.timezone).where(
        User.reminders == "daily", User.is_active, User.email_verified, User.email.is_not(None))).all()


def queue_reminders(now):
    """Queue a digest job for each user whose local morning window holds ``now``; returns how many."""
    first_hour, window = current_app.config["REMINDER_HOUR"], current_app.config["REMINDER_WINDOW_HOURS"]
    due = []
    for user_id, zone in reminder_users():
        local = now.astimezone(ZoneInfo(zone or "UTC"))
        if first_hour <= local.hour < first_hour + window:
            due.append((user_id, local.date()))
    if not due:
        return 0
    claimed = set(db.session.execute(select(ReminderDigest.user_id, ReminderDigest.local_date).where(
        ReminderDigest.user_id.in_({user_id for user_id, _ in due}),
        ReminderDigest.local_date.in_({day for _, day in due}))).all())
    db.session.rollback()  # end the read: no transaction stays open while jobs are stored
    queued = [(user_id, day) for user_id, day in due if (user_id, day) not in claimed]
    for user_id, day in queued:
        enqueue(send_reminder_digest, user_id, day.isoformat())
    return len(queued)


def claim_day(user_id, day):
    """The digest row of (user, day) if this job owns it, inserting it if nobody has; else None.

    The claim is written apart and committed at once, so of two jobs for the same day one sends.
    """
    job_id = current_job_id()
    try:
        write_apart(db.session, lambda side: side.add(ReminderDigest(user_id=user_id, local_date=day, job_id=job_id)))
    except IntegrityError:  # another job claimed the day first (or the user is gone)
        pass
    digest = db.session.scalar(select(ReminderDigest).where(ReminderDigest.user_id == user_id,
                                                            ReminderDigest.local_date == day))
    return digest if digest is not None and digest.job_id == job_id else None


def open_tasks_due(user_id, day):
    """The user's open tasks due on ``day`` or earlier, oldest due date first, as plain dicts."""
    tasks = db.session.scalars(select(Task).where(
        Task.owner_id == user_id, Task.completed.is_(False), Task.due_date <= day,
    ).order_by(Task.due_date, Task.priority.desc(), Task.id))
    return [{"title": task.title, "due_date": task.due_date.isoformat(), "overdue": task.due_date < day,
             "priority": PRIORITY_NAMES[task.priority]} for task in tasks]


@job
def send_reminder_digest(user_id, day):
    """Send ``user_id`` the digest of local day ``day`` (ISO date) unless it was sent or has nothing in it."""
    digest = claim_day(user_id, date.fromisoformat(day))
    if digest is None or digest.sent_at is not None or digest.task_count == 0:
        return
    user = db.session.get(User, user_id)
    still_wanted = (user is not None and user.is_active and user.reminders == "daily" and user.email_verified
                    and user.email)
    tasks = open_tasks_due(user_id, digest.local_date) if still_wanted else []
    # Nothing is written before the mail, so no write lock is held while the mail server answers.
    if tasks:
        send_reminder_digest_mail(user, digest.local_date, tasks)
        digest.sent_at = utcnow()
    digest.task_count = len(tasks)


@periodic_job(crontab(hour="3", minute="41"))
def purge_old_digests():
    """Forget digest records older than a week (a record only guards its own day); returns how many."""
    removed = db.session.execute(delete(ReminderDigest).where(
        ReminderDigest.created_at < utcnow() - timedelta(days=7))).rowcount
    return removed
