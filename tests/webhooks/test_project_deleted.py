"""``project.deleted`` outlives the project: its outbox rows are detached and sent with the same guarantees."""

from datetime import timedelta

from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import ProjectRole, Webhook, WebhookDelivery, utcnow
from taskapi.webhooks.sweeper import purge_webhook_deliveries, queue_stranded
from tests.conftest import PASSWORD
from tests.webhooks.conftest import run_due
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import ping, queued_jobs
from tests.webhooks.world import make_project


def delete_project(client, team):
    response = client.delete(f"/projects/{team.project_id}", headers=team.admin)
    assert response.status_code == 204, response.get_json()


def stored_deliveries(app):
    with app.app_context():
        return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_project_deleted_reaches_subscribed_webhooks_only_signed(app, client, team, create_hook, receiver):
    subscribed = create_hook(receiver.url, events=["project.deleted"])
    with Receiver() as other:
        not_subscribed = create_hook(other.url, events=["task.created", "project.updated"])
        switched_off = create_hook(other.url, events=["project.deleted"])
        client.patch(team.hooks(f"/{switched_off['id']}"), headers=team.admin, json={"active": False})
        delete_project(client, team)
        with app.app_context():
            assert db.session.scalars(select(Webhook)).all() == []  # the webhooks went with the project
        assert run_due(app) == ["succeeded"]
        [request] = receiver.wait_for(1)
        payload = request.verified_with(subscribed["secret"])
        assert payload["type"] == "project.deleted"
        assert (payload["data"]["id"], payload["data"]["name"]) == (team.project_id, "Launch")
        assert other.requests == []
    assert not_subscribed["id"] != switched_off["id"]
    [row] = stored_deliveries(app)
    assert (row.webhook_id, row.url, row.status, row.attempts) == (None, receiver.url, "succeeded", 1)
    assert request.headers["webhook-id"] == row.message_id
    assert subscribed["secret"] not in row.secret_encrypted and row.secret_encrypted.startswith("gAAAA")


def test_a_detached_delivery_is_retried_with_the_same_webhook_id(app, client, team, create_hook):
    with Receiver(status=503) as receiver:
        hook = create_hook(receiver.url, events=["project.deleted"])
        delete_project(client, team)
        assert run_due(app) == ["retrying"]
        receiver.status = 204
        assert run_due(app) == ["succeeded"]
        first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.verified_with(hook["secret"])["type"] == "project.deleted"


def test_a_detached_delivery_that_fails_for_good_disables_nothing(app, client, team, create_hook):
    with Receiver(status=410) as receiver:
        create_hook(receiver.url, events=["project.deleted"])
        delete_project(client, team)
        assert run_due(app) == ["failed"]
        assert len(receiver.requests) == 1
    [row] = stored_deliveries(app)
    assert (row.status, row.last_status_code, row.last_error) == ("failed", 410, "HTTP 410")
    assert not any(name == "mail_webhook_disabled" for name, _ in queued_jobs(app))


def test_open_deliveries_survive_the_deletion_finished_ones_go(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url, events=["task.created"])  # not subscribed to project.deleted
    done = ping(client, team, hook)
    run_due(app)
    still_open = ping(client, team, hook)
    delete_project(client, team)
    assert [row.message_id for row in stored_deliveries(app)] == [still_open["message_id"]]
    assert run_due(app) == ["succeeded"]
    assert [request.headers["webhook-id"] for request in receiver.wait_for(2)] == [
        done["message_id"], still_open["message_id"]]
    assert receiver.requests[1].verified_with(hook["secret"])["type"] == "webhook.ping"


def test_detached_deliveries_are_swept_and_purged_like_any(app, client, team, create_hook, receiver):
    create_hook(receiver.url, events=["project.deleted"])
    delete_project(client, team)
    with app.app_context():
        [row] = db.session.scalars(select(WebhookDelivery)).all()
        row.next_attempt_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        assert queue_stranded(utcnow() - timedelta(seconds=60)) == 1
    run_due(app)
    with app.app_context():
        db.session.scalars(select(WebhookDelivery)).one().created_at = utcnow() - timedelta(days=15)
        db.session.commit()
        assert purge_webhook_deliveries() == 1
        db.session.commit()  # as the job's unit of work does when it returns
    assert stored_deliveries(app) == []


def test_deleting_a_webhook_still_deletes_its_deliveries(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url, events=["project.deleted"])
    ping(client, team, hook)
    assert client.delete(team.hooks(f"/{hook['id']}"), headers=team.admin).status_code == 204
    assert stored_deliveries(app) == []
    delete_project(client, team)
    assert stored_deliveries(app) == [] and run_due(app) == []


def test_a_project_deleted_with_its_last_members_account_is_announced_too(app, client, auth, receiver):
    headers = auth.headers("sol")
    project_id = make_project(app, {"sol": ProjectRole.ADMIN}, name="Solo")
    hook = client.post(f"/projects/{project_id}/webhooks", headers=headers,
                       json={"url": receiver.url, "events": ["project.deleted"]}).get_json()
    response = client.delete("/users/me", json={"current_password": PASSWORD}, headers=headers)
    assert response.status_code == 204, response.get_json()
    assert run_due(app) == ["succeeded"]
    payload = receiver.wait_for(1)[0].verified_with(hook["secret"])
    assert (payload["type"], payload["data"]["id"], payload["data"]["name"]) == ("project.deleted", project_id, "Solo")
