"""One project with a row behind every project path id, for the route-wide tests (matrix, bad input, no 5xx)."""

from taskapi.extensions import db
from taskapi.models import ProjectRole, User
from taskapi.projects.members import add_member
from tests.invitations.helpers import project_and_invitation


def project_world(client, headers, members=()):
    """{project_id, webhook_id, delivery_id, invitation_id}, all in one project created by ``headers``' user.

    The creator is the project's admin; ``members`` (user ids) join it as viewers, so the member
    routes reach their bodies. No consumer runs, so the queued ping is never sent.
    """
    creator = client.get("/auth/me", headers=headers).get_json()["username"]
    project = client.post("/projects", json={"name": "World"}, headers=headers)
    assert project.status_code == 201, project.get_json()
    project_id = project.get_json()["id"]
    with client.application.app_context():
        for user_id in members:
            add_member(project_id, db.session.get(User, user_id), ProjectRole.VIEWER, actor_id=None)
        db.session.commit()
    hook = client.post(f"/projects/{project_id}/webhooks", headers=headers,
                       json={"url": "https://hooks.example.com/in", "events": ["task.created"]}).get_json()
    delivery = client.post(f"/projects/{project_id}/webhooks/{hook['id']}/ping", headers=headers).get_json()
    return {"project_id": project_id, "webhook_id": hook["id"], "delivery_id": delivery["id"],
            **project_and_invitation(client.application, creator, project_id=project_id)}
