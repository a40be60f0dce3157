"""Invitation fixtures: projects and memberships made directly (the projects routes are built elsewhere).

Jobs run inline (JOBS_IMMEDIATE) and mail goes to a real SMTP server on 127.0.0.1, so a test reads
the token from the mail the invitee would get; everything else goes through HTTP.
"""

from dataclasses import dataclass

import pytest

from taskapi.extensions import db
from taskapi.models import Project, ProjectRole, User
from taskapi.projects.members import add_member
from tests.smtp import token_in


@dataclass
class Person:
    """A registered account: its id, username, address and bearer headers."""

    id: int
    username: str
    email: str | None
    headers: dict


@pytest.fixture
def app(make_app, smtp_server):
    """The app under test, mailing to ``smtp_server`` with its jobs run inline."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, JOBS_IMMEDIATE=True)


@pytest.fixture
def person(client, auth, smtp_server):
    """``person(username, email=None, verified=True)``: register through HTTP, verify through the mailed token."""

    def make(username, email=None, verified=True):
        response = auth.register(username, **({"email": email} if email else {}))
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        if email and verified:
            token = token_in(smtp_server.inbox.last_for(body["email"]))
            assert client.post("/auth/verify-email", json={"token": token}).status_code == 204
        return Person(body["id"], username, body["email"], {"Authorization": f"Bearer {auth.token(username)}"})

    return make


@pytest.fixture
def make_project(app):
    """``make_project({user_id: role}, name=...)``: a project with these members, made in the database; its id."""

    def make(members, name="Apollo"):
        with app.app_context():
            project = Project(name=name)
            db.session.add(project)
            db.session.flush()
            for user_id, role in members.items():
                add_member(project.id, db.session.get(User, user_id), ProjectRole(role), actor_id=None)
            db.session.commit()
            return project.id

    return make


@pytest.fixture
def invite(client):
    """``invite(headers, project_id, email, role="editor")``: the response of POST .../invitations."""

    def send(headers, project_id, email, role="editor"):
        return client.post(f"/projects/{project_id}/invitations", json={"email": email, "role": role},
                           headers=headers)

    return send


@pytest.fixture
def mailed_token(smtp_server):
    """``mailed_token(address)``: the token of the newest mail to ``address``."""

    def read(address):
        return token_in(smtp_server.inbox.last_for(address))

    return read


@pytest.fixture
def team(person, make_project):
    """Alice administers Apollo, Victor views it, Ed edits it; Bob (bob@example.com, verified) is outside."""
    alice = person("alice", "alice@example.com")
    victor = person("victor", "victor@example.com")
    ed = person("edna", "edna@example.com")
    bob = person("bob", "bob@example.com")
    project_id = make_project({alice.id: "admin", victor.id: "viewer", ed.id: "editor"})
    return {"alice": alice, "victor": victor, "ed": ed, "bob": bob, "project": project_id}


