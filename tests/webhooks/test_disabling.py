"""WEBHOOK_DISABLE_AFTER failed deliveries in a row switch a webhook off; a success in between resets the count."""

import pytest
from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import User
from tests.webhooks.conftest import LOOPBACK_ONLY, run_due
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import assert_admin_mail, assert_disabled_event, ping, queued_jobs


@pytest.fixture
def app(reused_app):
    """No retries (each try that fails is a failed delivery), disabled after three in a row."""
    return reused_app(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK_ONLY, WEBHOOK_RETRY_SCHEDULE=[], WEBHOOK_DISABLE_AFTER=3)


def test_three_failed_deliveries_in_a_row_disable_the_webhook(app, client, team, create_hook):
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "ada")).email = "ada@example.com"
        db.session.commit()
    url = team.hooks
    with Receiver(status=500) as receiver:
        hook = create_hook(receiver.url)
        for answers in ([500], [500], [204], [500], [500]):  # the success resets the count
            receiver.statuses = answers
            ping(client, team, hook)
            run_due(app)
        assert client.get(url(f"/{hook['id']}"), headers=team.admin).get_json()["active"] is True
        assert not any(name == "mail_webhook_disabled" for name, _ in queued_jobs(app))
        ping(client, team, hook)
        assert run_due(app) == ["failed"]
        state = client.get(url(f"/{hook['id']}"), headers=team.admin).get_json()
        assert (state["active"], state["disabled_reason"]) == (False, "failing")
        assert ("mail_webhook_disabled", (hook["id"],)) in queued_jobs(app)
        assert_admin_mail(app, hook, "kept failing")
        assert_disabled_event(client, team, hook, "failing", failures=3)
        assert client.post(url(f"/{hook['id']}/ping"), headers=team.admin).status_code == 409
        switched_on = client.patch(url(f"/{hook['id']}"), headers=team.admin, json={"active": True}).get_json()
        assert (switched_on["active"], switched_on["disabled_reason"], switched_on["disabled_at"]) == (True, None, None)
        receiver.statuses = [500]
        ping(client, team, hook)
        run_due(app)  # the count started again from zero: one failure does not disable
        assert client.get(url(f"/{hook['id']}"), headers=team.admin).get_json()["active"] is True
        assert len(receiver.requests) == 7


def test_the_openapi_document_enumerates_webhook_disabled_where_project_event_types_are(client):
    document = client.get("/openapi.json").get_json()
    [type_filter] = [parameter for parameter in document["paths"]["/projects/{project_id}/events"]["get"]["parameters"]
                     if parameter["name"] == "type"]
    assert "webhook.disabled" in type_filter["schema"]["enum"]
    subscribable = document["components"]["schemas"]["WebhookCreate"]["properties"]["events"]["items"]["enum"]
    assert "webhook.disabled" not in subscribable  # recorded for the admins, never sent to an endpoint
