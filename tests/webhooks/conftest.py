"""Webhook fixtures: an app that may reach 127.0.0.1, a project with an admin, an editor, a viewer and an outsider.

Projects exist only as models on this branch: the fixture inserts one and adds members with
``add_member``; users register through HTTP, and everything else goes through HTTP too.
"""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from taskapi.db.unit_of_work import unit_of_work
from taskapi.extensions import db
from taskapi.models import ProjectRole, WebhookDelivery, utcnow
from taskapi.webhooks.delivery import OPEN, send_delivery
from tests.webhooks.receiver import Receiver
from tests.webhooks.world import make_project

LOOPBACK_ONLY = ["127.0.0.1/32"]


@pytest.fixture
def app(reused_app):
    """The app under test: 127.0.0.1 opened for the receiver, retries at once."""
    return reused_app(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK_ONLY, WEBHOOK_RETRY_SCHEDULE=[0, 0, 0])


@dataclass
class Team:
    """A project and the bearer headers of its admin, editor, viewer, and of a user outside it."""

    project_id: int
    admin: dict
    editor: dict
    viewer: dict
    outsider: dict

    def hooks(self, suffix=""):
        return f"/projects/{self.project_id}/webhooks{suffix}"


@pytest.fixture
def team(app, auth):
    """ada (admin), eve (editor), vic (viewer) in one project; nat outside it."""
    headers = {name: auth.headers(name) for name in ("ada", "eve", "vic", "nat")}
    project_id = make_project(app, {"ada": ProjectRole.ADMIN, "eve": ProjectRole.EDITOR, "vic": ProjectRole.VIEWER})
    return Team(project_id, headers["ada"], headers["eve"], headers["vic"], headers["nat"])


@pytest.fixture
def receiver():
    """A receiver on 127.0.0.1 answering 204."""
    with Receiver() as running:
        yield running


@pytest.fixture
def create_hook(client, team):
    """POST a webhook as the project's admin; returns the 201 document (with its secret)."""

    def create(url, events=("task.created",), **fields):
        response = client.post(team.hooks(), headers=team.admin, json={"url": url, "events": list(events), **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


def run_due(app, rounds=1):
    """Make every due try now, as the queue's jobs would (``rounds`` passes); returns the outcomes."""
    outcomes = []
    with app.app_context():
        for _ in range(rounds):
            ids = db.session.scalars(select(WebhookDelivery.id).where(
                WebhookDelivery.status.in_(OPEN), WebhookDelivery.next_attempt_at <= utcnow())).all()
            db.session.rollback()
            for delivery_id in ids:
                with unit_of_work(db.session):  # committed when it returns, as the consumer runs a job
                    outcomes.append(send_delivery(delivery_id))
    return outcomes
