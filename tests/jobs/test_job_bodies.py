"""Job bodies, run inline with huey's immediate mode (the only tests that use it), mail to a real SMTP server."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from taskapi.auth.housekeeping import purge_expired_rows
from taskapi.auth.mailed.account_mails import mail_password_reset, mail_verification
from taskapi.extensions import db
from taskapi.jobs import enqueue
from taskapi.jobs.reminders import purge_old_digests, queue_reminders, send_reminder_digest
from taskapi.models import AccountToken, ReminderDigest, Task, User, utcnow
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in

DAY = date(2026, 3, 10)


@pytest.fixture
def app(make_app, smtp_server):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, JOBS_IMMEDIATE=True)


@pytest.fixture
def ada(app, client):
    """ada with a verified address (her registration mail ran inline) and reminders on; her id."""
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD,
                                               "email": ADA_EMAIL}).status_code == 201
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ada"))
        user.email_verified, user.reminders = True, "daily"
        db.session.commit()
        return user.id


def add_task(user_id, title, due, completed=False):
    db.session.add(Task(owner_id=user_id, title=title, due_date=due, completed=completed))
    db.session.commit()


def token_rows(purpose):
    return db.session.scalar(select(func.count()).select_from(AccountToken).where(AccountToken.purpose == purpose))


def sealed_reset(email):
    """What POST /auth/password-reset/request queues for ``email``, made in a test request context."""
    from taskapi.auth.credentials.accounts import find_user_by_email
    from taskapi.auth.mailed.deferred import issue_sealed, stand_in

    user = find_user_by_email(email)
    sealed = issue_sealed(user, "password_reset", timedelta(hours=1)) if user is not None else stand_in()
    db.session.commit()
    return sealed


def test_the_reset_job_mails_only_a_live_token_of_a_known_address(app, ada, smtp_server):
    with app.test_request_context():
        enqueue(mail_password_reset, sealed_reset("nobody@example.com"))  # a stand-in: nothing to send
        assert token_rows("password_reset") == 0
        enqueue(mail_password_reset, sealed_reset(ADA_EMAIL.upper()))
        assert token_rows("password_reset") == 1
    messages = smtp_server.inbox.wait_for(2)
    assert [message["Subject"] for message in messages] == ["Confirm your email address", "Reset your password"]
    assert len(messages) == 2


def test_a_retry_of_the_reset_job_sends_the_same_token_and_a_later_request_voids_it(app, client, ada, smtp_server):
    with app.test_request_context():
        first = sealed_reset(ADA_EMAIL)
        enqueue(mail_password_reset, first)
        enqueue(mail_password_reset, first)  # as a retry would: the same token again, no new one
        second = sealed_reset(ADA_EMAIL)
        enqueue(mail_password_reset, first)  # replaced by the second request: nothing is sent
        enqueue(mail_password_reset, second)
    mailed = [token_in(message) for message in smtp_server.inbox.wait_for(4)[1:]]
    assert len(smtp_server.inbox.messages) == 4 and mailed[0] == mailed[1] != mailed[2]
    assert client.post("/auth/password-reset", json={"token": mailed[0], "new_password": "a new long passphrase"}
                       ).status_code == 400
    assert client.post("/auth/password-reset", json={"token": mailed[2], "new_password": "a new long passphrase"}
                       ).status_code == 204


def test_the_verification_job_skips_a_verified_or_removed_address(app, ada, smtp_server):
    from taskapi.auth.mailed.deferred import issue_sealed, stand_in

    smtp_server.inbox.wait_for(1)
    with app.test_request_context():
        user = db.session.get(User, ada)
        enqueue(mail_verification, issue_sealed(user, "verify_email", timedelta(hours=1)))  # verified already
        db.session.commit()
        enqueue(mail_verification, stand_in())
        enqueue(mail_verification, 987654)  # a job queued before 0011: nothing is sent
    assert len(smtp_server.inbox.messages) == 1


def test_a_digest_lists_open_tasks_due_that_day_and_overdue_ones(app, ada, smtp_server):
    with app.app_context():
        add_task(ada, "Overdue report", DAY - timedelta(days=2))
        add_task(ada, "Today's call", DAY)
        add_task(ada, "Done already", DAY, completed=True)
        add_task(ada, "Tomorrow's review", DAY + timedelta(days=1))
        add_task(ada, "Someday", None)
        enqueue(send_reminder_digest, ada, DAY.isoformat())
    digest = smtp_server.inbox.wait_for(2)[1]
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert digest["Subject"] == "Your tasks for 2026-03-10"
    assert "Overdue report (overdue, was due 2026-03-08" in text and "Today's call (due today" in text
    assert "Done already" not in text and "Tomorrow" not in text and "Someday" not in text


def test_one_digest_per_user_and_day_whatever_runs_again(app, ada, smtp_server):
    with app.app_context():
        add_task(ada, "Today's call", DAY)
        for _ in range(3):  # three jobs (three ids) for the same day: only the first claims it
            enqueue(send_reminder_digest, ada, DAY.isoformat())
        enqueue(send_reminder_digest, ada, (DAY + timedelta(days=1)).isoformat())  # the next day is its own
        rows = db.session.scalars(select(ReminderDigest).order_by(ReminderDigest.local_date)).all()
        assert [(row.local_date, row.task_count, row.sent_at is not None) for row in rows] == [
            (DAY, 1, True), (DAY + timedelta(days=1), 1, True)]
    smtp_server.inbox.wait_for(3)
    assert [message["Subject"] for message in smtp_server.inbox.messages[1:]] == [
        "Your tasks for 2026-03-10", "Your tasks for 2026-03-11"]


def test_nothing_due_means_no_mail_and_the_day_is_done(app, ada, smtp_server):
    with app.app_context():
        add_task(ada, "Next week", DAY + timedelta(days=7))
        enqueue(send_reminder_digest, ada, DAY.isoformat())
        add_task(ada, "Added later today", DAY)
        enqueue(send_reminder_digest, ada, DAY.isoformat())
        assert db.session.scalar(select(ReminderDigest.task_count)) == 0
    smtp_server.inbox.wait_for(1)
    assert len(smtp_server.inbox.messages) == 1  # the registration mail only


def test_the_scan_picks_users_in_their_morning_window_only(app, ada):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    with app.app_context():
        user = db.session.get(User, ada)
        user.timezone = "Europe/Paris"
        db.session.commit()
        counts = [queue_reminders(datetime(2026, 3, 10, hour, minute, tzinfo=paris))
                  for hour, minute in ((7, 59), (12, 0))]
        assert counts == [0, 0]
        user.email_verified = False
        db.session.commit()
        assert queue_reminders(datetime(2026, 3, 10, 8, 0, tzinfo=paris)) == 0  # unverified: none
        user.email_verified = True
        db.session.commit()
        assert queue_reminders(datetime(2026, 3, 10, 11, 59, tzinfo=paris)) == 1  # in the window, nothing claimed
        assert queue_reminders(datetime(2026, 3, 10, 8, 0, tzinfo=paris)) == 0  # claimed by the job just run


def test_housekeeping_purges_expired_tokens_and_old_digests(app, ada):
    with app.app_context():
        now = utcnow()
        db.session.add(AccountToken(token_hash="0" * 64, user_id=ada, purpose="password_reset", email=ADA_EMAIL,
                                    created_at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1)))
        db.session.add(ReminderDigest(user_id=ada, local_date=DAY, job_id="old", created_at=now - timedelta(days=8)))
        db.session.add(ReminderDigest(user_id=ada, local_date=DAY + timedelta(days=7), job_id="new"))
        db.session.commit()
        assert purge_expired_rows()[0] >= 1
        assert purge_old_digests() == 1
        assert db.session.scalar(select(func.count()).select_from(AccountToken).where(
            AccountToken.expires_at <= now)) == 0
        assert db.session.scalars(select(ReminderDigest.job_id)).all() == ["new"]
