"""Deliveries end to end: the outbox, the real receiver verifying each try, retries, 410, disabling, rotation."""

import json
import logging
from datetime import timedelta

from sqlalchemy import select

from taskapi.extensions import db
from taskapi.jobs import current_jobs
from taskapi.models import User, Webhook, WebhookDelivery, utcnow
from taskapi.signals import ProjectEventType, announce
from taskapi.webhooks.delivery import claim
from taskapi.webhooks.sweeper import purge_webhook_deliveries, queue_stranded
from tests.live import free_port
from tests.webhooks.conftest import run_due
from tests.webhooks.receiver import Receiver


def deliveries(client, team, hook):
    response = client.get(team.hooks(f"/{hook['id']}/deliveries"), headers=team.admin)
    assert response.status_code == 200
    return response.get_json()


def ping(client, team, hook):
    response = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin)
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def queued_jobs(app):
    """(name, args) of every job waiting in the app's queue."""
    with app.app_context():
        return [(task.name, task.args) for task in current_jobs().huey.pending()]


def test_a_ping_arrives_signed_and_verifiable(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    queued = ping(client, team, hook)
    assert queued_jobs(app) == [("send_delivery", (queued["id"],))]  # an id: never the secret
    assert run_due(app) == ["succeeded"]
    [request] = receiver.wait_for(1)
    payload = request.verified_with(hook["secret"])
    assert payload["type"] == "webhook.ping" and payload["timestamp"].endswith("Z")
    assert payload["data"]["webhook_id"] == hook["id"]
    assert request.headers["webhook-id"] == queued["message_id"]
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["User-Agent"].startswith("taskapi-webhooks/")
    assert request.headers["Content-Type"] == "application/json"
    [done] = deliveries(client, team, hook)
    assert (done["status"], done["attempts"], done["last_status_code"], done["next_attempt_at"]) == (
        "succeeded", 1, 204, None)
    assert done["delivered_at"] is not None and done["last_error"] is None


def announce_in_request(app, project_id, event, data, commit=True):
    """A project change as the projects code makes one: announce() inside a request, then commit or roll back."""
    with app.test_request_context("/projects", method="POST"):
        announce(project_id, event, actor_id=None, data=data)
        db.session.commit() if commit else db.session.rollback()


def test_the_outbox_writes_one_row_per_subscribed_active_webhook(app, client, team, create_hook, receiver):
    tasks = create_hook(receiver.url, events=["task.created", "task.updated"])
    members = create_hook(receiver.url, events=["member.added"])
    off = create_hook(receiver.url, events=["task.created"])
    client.patch(team.hooks(f"/{off['id']}"), headers=team.admin, json={"active": False})
    data = {"id": 7, "title": "Ship it", "project_id": team.project_id}
    announce_in_request(app, team.project_id, ProjectEventType.TASK_CREATED, data)
    announce_in_request(app, team.project_id, ProjectEventType.TASK_CREATED, {"id": 8}, commit=False)
    announce_in_request(app, team.project_id, ProjectEventType.INVITATION_CREATED, {"id": 9})  # not subscribable
    assert [d["event"] for d in deliveries(client, team, tasks)] == ["task.created"]
    assert deliveries(client, team, members) == [] and deliveries(client, team, off) == []
    assert run_due(app) == ["succeeded"]
    assert receiver.wait_for(1)[0].verified_with(tasks["secret"]) == {
        "type": "task.created", "timestamp": receiver.requests[0].verified_with(tasks["secret"])["timestamp"],
        "data": data}


def test_receiver_down_then_up_gets_the_same_webhook_id(app, client, team, create_hook):
    port = free_port()  # nobody listens yet
    hook = create_hook(f"http://127.0.0.1:{port}/hook")
    queued = ping(client, team, hook)
    assert run_due(app) == ["retrying"]
    [failed] = deliveries(client, team, hook)
    assert (failed["status"], failed["attempts"], failed["last_error"]) == ("retrying", 1, "connection refused")
    with Receiver(port=port) as receiver:
        receiver.statuses = [503]
        assert run_due(app, rounds=2) == ["retrying", "succeeded"]
        first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == queued["message_id"]
    assert first.verified_with(hook["secret"]) == second.verified_with(hook["secret"])
    [done] = deliveries(client, team, hook)
    assert (done["status"], done["attempts"], done["last_status_code"]) == ("succeeded", 3, 204)


def test_retries_end_after_the_schedule(app, client, team, create_hook):
    with Receiver(status=500) as receiver:
        hook = create_hook(receiver.url)
        ping(client, team, hook)
        assert run_due(app, rounds=5) == ["retrying", "retrying", "retrying", "failed"]  # 1 try + 3 retries
        assert len(receiver.wait_for(4)) == 4
    [failed] = deliveries(client, team, hook)
    assert (failed["status"], failed["attempts"], failed["last_status_code"], failed["last_error"]) == (
        "failed", 4, 500, "HTTP 500")
    assert failed["next_attempt_at"] is None


def test_a_410_disables_the_webhook_at_once_and_mails_its_admins(app, client, team, create_hook):
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "ada")).email = "ada@example.com"
        db.session.commit()
    with Receiver(status=410) as receiver:
        hook = create_hook(receiver.url)
        ping(client, team, hook)
        ping(client, team, hook)
        assert run_due(app) == ["failed", None]  # the second finds its webhook switched off
        assert len(receiver.requests) == 1
    state = client.get(team.hooks(f"/{hook['id']}"), headers=team.admin).get_json()
    assert (state["active"], state["disabled_reason"]) == (False, "gone") and state["disabled_at"]
    assert [(d["status"], d["last_error"]) for d in deliveries(client, team, hook)] == [
        ("failed", "webhook disabled"), ("failed", "HTTP 410")]
    assert ("mail_webhook_disabled", (hook["id"],)) in queued_jobs(app)
    assert_admin_mail(app, hook, "410 Gone")
    assert_disabled_event(client, team, hook, "gone", failures=0)


def assert_disabled_event(client, team, hook, reason, *, failures):
    """The audit trail holds one ``webhook.disabled`` by the system, with the host only (no path, no secret)."""
    response = client.get(f"/projects/{team.project_id}/events?type=webhook.disabled", headers=team.admin)
    assert response.status_code == 200
    [event] = response.get_json()
    data = event["details"]["data"]
    assert (event["type"], event["user_id"], event["project_id"]) == ("webhook.disabled", None, team.project_id)
    assert (data["webhook_id"], data["reason"], data["host"], data["failures_in_a_row"]) == (
        hook["id"], reason, "127.0.0.1", failures)
    assert data["disabled_at"].endswith("Z")
    assert hook["secret"] not in response.get_data(as_text=True) and "/hook" not in response.get_data(as_text=True)


def assert_admin_mail(app, hook, words):
    from taskapi.webhooks.disabling import mail_webhook_disabled

    with app.app_context():
        mail_webhook_disabled(hook["id"])
    outbox = app.config["MAIL_OUTBOX_DIR"]
    import os

    [name] = os.listdir(outbox)
    with open(os.path.join(outbox, name), encoding="utf-8") as handle:
        text = handle.read()
    assert "To: ada@example.com" in text and words in text and hook["secret"] not in text


def test_rotation_signs_with_both_secrets_for_24_hours(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    rotated = client.post(team.hooks(f"/{hook['id']}/rotate-secret"), headers=team.admin).get_json()
    ping(client, team, hook)
    run_due(app)
    [both] = receiver.wait_for(1)
    assert len(both.headers["webhook-signature"].split(" ")) == 2
    assert both.verified_with(hook["secret"]) and both.verified_with(rotated["secret"])
    with app.app_context():
        db.session.query(Webhook).one().previous_secret_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    ping(client, team, hook)
    run_due(app)
    newest = receiver.wait_for(2)[1]
    assert newest.verified_with(rotated["secret"]) and newest.verified_with(hook["secret"]) is None


def test_redeliver_sends_again_with_the_same_webhook_id(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    queued = ping(client, team, hook)
    run_due(app)
    again = client.post(team.hooks(f"/{hook['id']}/deliveries/{queued['id']}/redeliver"), headers=team.admin)
    assert again.status_code == 202 and again.get_json()["status"] == "pending"
    assert run_due(app) == ["succeeded"]
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == queued["message_id"]
    assert client.post(team.hooks(f"/{hook['id']}/deliveries/99999/redeliver"), headers=team.admin).status_code == 404


def test_one_job_holds_a_row_until_its_lease_ends(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    queued = ping(client, team, hook)
    with app.app_context():
        assert claim(queued["id"], "job-a") is True
        assert claim(queued["id"], "job-b") is False  # another job (the sweeper's): leased
        assert claim(queued["id"], "job-a") is True  # the same job, queued again after its consumer died


def test_the_sweeper_queues_stranded_rows_only(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    stranded, fresh = ping(client, team, hook), ping(client, team, hook)
    with app.app_context():
        current_jobs().huey.flush()  # the after-commit jobs were lost
        db.session.get(WebhookDelivery, stranded["id"]).next_attempt_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        assert queue_stranded(utcnow() - timedelta(seconds=60)) == 1
    assert queued_jobs(app) == [("send_delivery", (stranded["id"],))]
    assert fresh["id"] != stranded["id"]


def test_old_finished_deliveries_are_purged(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    old_done, old_open, new_done = (ping(client, team, hook) for _ in range(3))
    run_due(app)
    with app.app_context():
        for delivery_id in (old_done["id"], old_open["id"]):
            db.session.get(WebhookDelivery, delivery_id).created_at = utcnow() - timedelta(days=15)
        db.session.get(WebhookDelivery, old_open["id"]).status = "retrying"
        db.session.commit()
        assert purge_webhook_deliveries() == 1
        db.session.commit()  # as the job's unit of work does when it returns
    assert {d["id"] for d in deliveries(client, team, hook)} == {old_open["id"], new_done["id"]}


def test_no_secret_in_logs_or_stored_rows(app, client, team, create_hook, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    hook = create_hook(receiver.url)
    rotated = client.post(team.hooks(f"/{hook['id']}/rotate-secret"), headers=team.admin).get_json()
    ping(client, team, hook)
    run_due(app)
    logged = "\n".join(record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
                       for record in caplog.records)
    with app.app_context():
        rows = json.dumps([[str(value) for value in row] for row in db.session.execute(
            select(WebhookDelivery.__table__)).all()])
    for secret in (hook["secret"], rotated["secret"]):
        assert secret not in logged and secret[6:] not in logged and secret[6:] not in rows


def test_a_running_consumer_sends_after_the_commit(app, client, team, create_hook, receiver, jobs_consumer):
    jobs_consumer(app)
    hook = create_hook(receiver.url)
    ping(client, team, hook)
    [request] = receiver.wait_for(1)
    assert request.verified_with(hook["secret"])["type"] == "webhook.ping"


def test_after_a_secret_key_rotation_the_fallback_still_decrypts(make_app, client, team, create_hook, receiver):
    from config import TestConfig

    hook = create_hook(receiver.url)
    ping(client, team, hook)
    rotated_key = "a-new-secret-key-that-is-long-enough-for-hs256-9876543210"
    forgetful = make_app(SECRET_KEY=rotated_key, WEBHOOK_ALLOWED_NETWORKS=["127.0.0.1/32"])
    assert run_due(forgetful) == ["retrying"]  # nothing unsigned is sent
    assert receiver.requests == []
    assert deliveries(client, team, hook)[0]["last_error"] == "the webhook's secret cannot be decrypted"
    with forgetful.app_context():
        db.session.query(WebhookDelivery).update({"next_attempt_at": utcnow()})
        db.session.commit()
    remembering = make_app(SECRET_KEY=rotated_key, SECRET_KEY_FALLBACKS=[TestConfig.SECRET_KEY],
                           WEBHOOK_ALLOWED_NETWORKS=["127.0.0.1/32"])
    assert run_due(remembering) == ["succeeded"]
    assert receiver.wait_for(1)[0].verified_with(hook["secret"])["type"] == "webhook.ping"
