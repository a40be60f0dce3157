"""Project fixtures: people with headers, a project, and a way to add members (invitations are elsewhere)."""

import pytest

from taskapi.extensions import db
from taskapi.models import ProjectRole, User
from taskapi.projects.members import add_member


@pytest.fixture
def join(app):
    """``join(project_id, username, role)``: make a registered user a member, as an accepted invitation would."""

    def add(project_id, username, role="viewer"):
        with app.app_context():
            user = db.session.query(User).filter_by(username=username).one()
            add_member(project_id, user, ProjectRole(role), actor_id=None)
            db.session.commit()
            return user.id

    return add


@pytest.fixture
def people(auth):
    """Bearer headers of ada (who will create projects), bob, cyd and dan (no project yet)."""
    return {name: auth.headers(name) for name in ("ada", "bob", "cyd", "dan")}


@pytest.fixture
def project(client, people, join):
    """ada's project "Launch" with bob as editor and cyd as viewer; dan is in no project."""
    response = client.post("/projects", json={"name": "Launch"}, headers=people["ada"])
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    join(document["id"], "bob", "editor")
    join(document["id"], "cyd", "viewer")
    return document
