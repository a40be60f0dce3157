"""Rows the route-table tests need for the invitation paths: a project its admin may invite into, an invitation."""

from datetime import timedelta

from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import Project, ProjectInvitation, ProjectRole, User, utcnow
from taskapi.projects.members import add_member


def project_and_invitation(app, admin_username: str, project_id: int | None = None) -> dict:
    """{"project_id", "invitation_id"}: a project administered by ``admin_username`` (a new one unless
    ``project_id`` is given), with one pending invitation."""
    with app.app_context():
        admin = db.session.scalar(select(User).filter_by(username=admin_username))
        if project_id is None:
            project = Project(name="Matrix")
            db.session.add(project)
            db.session.flush()
            add_member(project.id, admin, ProjectRole.ADMIN, actor_id=None)
            project_id = project.id
        invitation = ProjectInvitation(project_id=project_id, email="invitee@example.com", role="viewer",
                                       token_hash="0" * 64, inviter_id=admin.id,
                                       expires_at=utcnow() + timedelta(days=1))
        db.session.add(invitation)
        db.session.commit()
        return {"project_id": project_id, "invitation_id": invitation.id}
