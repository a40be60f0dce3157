"""The invitation mail: made from the request's token, sent by a job that only renders and sends."""

import time

from taskapi.auth.credentials.mailed_tokens import digest
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import queue
from taskapi.models import Project, ProjectInvitation, ProjectRole, User
from taskapi.projects.members import add_member
from tests.conftest import PASSWORD
from tests.smtp import token_in


def test_the_mail_names_the_project_and_links_the_account_page(app, client, team, invite, smtp_server, make_project):
    project = make_project({team["alice"].id: "admin"}, name="<b>Launch</b> & co")
    invite(team["alice"].headers, project, "bob@example.com", "viewer")
    message = smtp_server.inbox.last_for("bob@example.com")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    token = token_in(message)
    assert "<b>Launch</b> & co" in text and "alice" in text and "viewer" in text
    assert "&lt;b&gt;Launch&lt;/b&gt; &amp; co" in html and "<b>Launch" not in html
    assert f"{app.config['ACCOUNT_PAGES_URL']}/accept-invitation#token={token}" in text
    assert f"{app.config['ACCOUNT_PAGES_URL']}/signup" in text
    assert message["Subject"] == "You are invited to a project on taskapi"


def test_a_late_job_mails_only_the_invitation_still_pending_under_its_token(make_app, smtp_server, jobs_consumer):
    """The consumer is stopped while the requests happen: superseded and revoked invitations send nothing."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    client = app.test_client()
    assert client.post("/auth/register", json={"username": "alice", "password": PASSWORD}).status_code == 201
    login = client.post("/auth/login", json={"username": "alice", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    with app.app_context():
        alice = db.session.scalar(db.select(User).filter_by(username="alice"))
        project = Project(name="Apollo")
        db.session.add(project)
        db.session.flush()
        add_member(project.id, alice, ProjectRole.ADMIN, actor_id=None)
        db.session.commit()
        project_id = project.id

    def invite(email, role="editor"):
        response = client.post(f"/projects/{project_id}/invitations", json={"email": email, "role": role},
                               headers=headers)
        assert response.status_code == 201
        return response.get_json()

    invite("bob@example.com", "admin")
    newest = invite("bob@example.com", "viewer")  # supersedes the first before its mail went out
    carol = invite("carol@example.com")
    assert client.delete(f"/projects/{project_id}/invitations/{carol['id']}", headers=headers).status_code == 204
    invite("last@example.com")
    time.sleep(0.2)
    assert smtp_server.inbox.messages == []  # nothing is sent by a request

    jobs_consumer(app)  # one worker: the jobs run in the order they were queued
    smtp_server.inbox.wait_for(2)
    time.sleep(0.3)
    assert [message["To"] for message in smtp_server.inbox.messages] == ["bob@example.com", "last@example.com"]
    with app.app_context():
        bob_token = token_in(smtp_server.inbox.messages[0])
        assert db.session.get(ProjectInvitation, newest["id"]).token_hash == digest(bob_token)


def test_a_queue_outage_answers_503_and_leaves_no_usable_invitation(client, team, invite, monkeypatch, app):
    def unavailable(*args):
        raise DomainError(503, "The job queue is unavailable; try again shortly", headers={"Retry-After": "5"})

    monkeypatch.setattr(queue, "enqueue", unavailable)
    response = invite(team["alice"].headers, team["project"], "bob@example.com")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert client.get(f"/projects/{team['project']}/invitations", headers=team["alice"].headers).get_json() == []
    with app.app_context():
        statuses = db.session.scalars(db.select(ProjectInvitation.status)).all()
    assert statuses == ["revoked"]
