"""Objects the route-wide tests (auth matrix, bad input, no 5xx, safe methods) need for the webhook paths."""

from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import Project, ProjectRole, User
from taskapi.projects.members import add_member


def make_project(app, members, name="Launch"):
    """Insert a project and its members ({username: role}); returns its id."""
    with app.app_context():
        project = Project(name=name)
        db.session.add(project)
        db.session.flush()
        for username, role in members.items():
            user = db.session.scalar(select(User).where(User.username == username))
            add_member(project.id, user, role, actor_id=None)
        db.session.commit()
        return project.id


def webhook_ids(client, headers, admin_username=None):
    """A project (``admin_username`` its admin; a site admin needs no membership), a webhook and a queued delivery.

    Returns the path ids {project_id, webhook_id, delivery_id}. No consumer runs, so nothing is sent.
    """
    members = {admin_username: ProjectRole.ADMIN} if admin_username else {}
    project_id = make_project(client.application, members, name="World")
    hook = client.post(f"/projects/{project_id}/webhooks", headers=headers,
                       json={"url": "https://hooks.example.com/in", "events": ["task.created"]}).get_json()
    delivery = client.post(f"/projects/{project_id}/webhooks/{hook['id']}/ping", headers=headers).get_json()
    return {"project_id": project_id, "webhook_id": hook["id"], "delivery_id": delivery["id"]}
