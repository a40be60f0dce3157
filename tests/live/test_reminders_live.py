"""Due-date reminders end to end: real consumer processes, a real SMTP server, a clock the test sets.

The test queues the consumer's scan job with the instants it chooses (``scan_reminders``), as
the periodic scan does every minute with the real time.
"""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from taskapi.jobs import enqueue
from taskapi.jobs.reminders import scan_reminders
from tests.conftest import PASSWORD
from tests.live import consumer_process
from tests.live.test_jobs_reliability_live import live_env
from tests.smtp import SmtpServer, token_in

pytestmark = pytest.mark.live
NEW_YORK, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")


def at(zone, hour, minute=0, day=10):
    """An instant on March ``day``, 2026, in ``zone``."""
    return datetime(2026, 3, day, hour, minute, tzinfo=zone)


def sign_up(client, smtp, name, zone, index):
    """Register ``name``, verify the address through its mail, turn reminders on in ``zone``; bearer headers."""
    email = f"{name}@example.com"
    assert client.post("/auth/register", json={"username": name, "password": PASSWORD, "email": email}
                       ).status_code == 201
    token = token_in(smtp.inbox.last_for(email, count=index))
    assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
    login = client.post("/auth/login", json={"username": name, "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    response = client.patch("/users/me", headers=headers, json={"reminders": "daily", "timezone": zone,
                                                                "current_password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return headers


def add_tasks(client, headers, *tasks):
    for title, due, completed in tasks:
        assert client.post("/tasks", headers=headers, json={"title": title, "due_date": due, "completed": completed}
                           ).status_code == 201


def scan(app, *instants):
    with app.app_context():
        for instant in instants:
            enqueue(scan_reminders, instant.isoformat())


def digests(smtp, settle=2.0):
    """(recipient, subject, plain text) of every digest received once no more arrive for ``settle`` seconds."""
    count = -1
    while count != len(smtp.inbox.messages):
        count = len(smtp.inbox.messages)
        time.sleep(settle)
    return [(message["To"], message["Subject"], message.get_body(preferencelist=("plain",)).get_content())
            for message in smtp.inbox.messages if message["Subject"].startswith("Your tasks")]


def test_two_time_zones_each_get_one_digest_at_their_own_eight_oclock(database_url, make_app, queue_settings):
    app = make_app()
    client = app.test_client()
    with SmtpServer() as smtp:
        env = live_env(queue_settings, smtp.port)  # consumers without the periodic scan (tests/live/__init__.py)
        with consumer_process(database_url, env), consumer_process(database_url, env):  # two consumers
            ny = sign_up(client, smtp, "nyc", "America/New_York", 1)
            tokyo = sign_up(client, smtp, "tokyo", "Asia/Tokyo", 2)
            add_tasks(client, ny, ("Overdue report", "2026-03-09", False), ("Call the bank", "2026-03-10", False),
                      ("Done already", "2026-03-10", True), ("Tomorrow's review", "2026-03-11", False))
            add_tasks(client, tokyo, ("Ship the parcel", "2026-03-10", False), ("Next week", "2026-03-17", False))

            scan(app, at(TOKYO, 7, 59))  # New York is at 18:59 the evening before
            assert digests(smtp) == []
            # Tokyo's 08:00, scanned three times at once and again later that morning: one digest.
            scan(app, at(TOKYO, 8), at(TOKYO, 8), at(TOKYO, 8), at(TOKYO, 8, 30))
            first = digests(smtp)
            assert [(to, subject) for to, subject, _ in first] == [("tokyo@example.com", "Your tasks for 2026-03-10")]
            assert "Ship the parcel (due today" in first[0][2] and "Next week" not in first[0][2]

            scan(app, at(NEW_YORK, 7, 59))  # Tokyo is at 20:59: past its morning window
            assert len(digests(smtp)) == 1
            scan(app, at(NEW_YORK, 8), at(NEW_YORK, 8), at(NEW_YORK, 9), at(NEW_YORK, 11, 59))
            both = digests(smtp)
            assert [(to, subject) for to, subject, _ in both] == [
                ("tokyo@example.com", "Your tasks for 2026-03-10"), ("nyc@example.com", "Your tasks for 2026-03-10")]
            text = both[1][2]
            assert "Overdue report (overdue, was due 2026-03-09" in text and "Call the bank (due today" in text
            assert "Done already" not in text and "Tomorrow's review" not in text

            scan(app, at(TOKYO, 8, day=11))  # the next day is a new day
            assert [subject for _, subject, _ in digests(smtp)][-1] == "Your tasks for 2026-03-11"
            assert len(digests(smtp, settle=0.5)) == 3
