"""projects.active_webhook_count follows every webhook switched on or off, so the outbox may trust a zero."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taskapi.extensions import db
from taskapi.models import Project, Webhook, WebhookDelivery
from taskapi.webhooks.disabling import disable_webhook


def counted(app, project_id):
    """(the maintained count, the active webhooks really there)."""
    with app.app_context():
        stored = db.session.get(Project, project_id).active_webhook_count
        real = db.session.scalar(select(func.count()).select_from(Webhook).where(
            Webhook.project_id == project_id, Webhook.active.is_(True)))
        db.session.rollback()
        return stored, real


def deliveries(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebhookDelivery))


def test_the_count_follows_create_switch_and_delete(app, client, team, create_hook, receiver):
    first, second = create_hook(receiver.url), create_hook(receiver.url)
    assert counted(app, team.project_id) == (2, 2)
    hook = team.hooks(f"/{first['id']}")
    for active, expected in ((False, 1), (False, 1), (True, 2), (True, 2), (False, 1)):
        assert client.patch(hook, headers=team.admin, json={"active": active}).status_code == 200
        assert counted(app, team.project_id) == (expected, expected)
    assert client.delete(hook, headers=team.admin).status_code == 204  # a switched-off one: no change
    assert counted(app, team.project_id) == (1, 1)
    assert client.delete(team.hooks(f"/{second['id']}"), headers=team.admin).status_code == 204
    assert counted(app, team.project_id) == (0, 0)


def test_a_webhook_switched_off_twice_at_once_counts_once(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    with app.app_context(), Session(db.engine, expire_on_commit=False) as job:
        stale = job.get(Webhook, hook["id"])  # a send job read it while it was on
        assert stale.active is True
        job.commit()  # no transaction (nor SQLite read snapshot) stays open while the PATCH writes
        switched = client.patch(team.hooks(f"/{hook['id']}"), headers=team.admin, json={"active": False})
        assert switched.status_code == 200  # meanwhile an admin switched it off (and counted it out)
        assert stale.active is True  # the job's copy is stale; its 410 switches the webhook off again
        stale.active = False
        job.commit()
    assert counted(app, team.project_id) == (0, 0)


def test_creates_in_a_project_whose_webhooks_are_off_write_no_delivery(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    with app.app_context():
        disable_webhook(db.session.get(Webhook, hook["id"]), gone=True)
        db.session.commit()
    assert counted(app, team.project_id) == (0, 0)
    before = deliveries(app)
    created = client.post("/tasks", headers=team.editor, json={"title": "quiet", "project_id": team.project_id})
    assert created.status_code == 201
    assert deliveries(app) == before
    assert client.patch(team.hooks(f"/{hook['id']}"), headers=team.admin, json={"active": True}).status_code == 200
    client.post("/tasks", headers=team.editor, json={"title": "heard", "project_id": team.project_id})
    assert deliveries(app) == before + 1
