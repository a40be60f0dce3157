"""Membership verbs shared by the project views, invitations and account deletion."""

from taskapi.extensions import db
from taskapi.http.fields import utc_timestamp
from taskapi.models import ProjectMember, ProjectRole, User
from taskapi.signals import ProjectEventType, announce


def member_document(member: ProjectMember, user: User) -> dict:
    """``{user_id, username, role, joined_at}``: a member as every member may read it."""
    return {"user_id": user.id, "username": user.username, "role": member.role,
            "joined_at": utc_timestamp(member.joined_at)}


def add_member(project_id: int, user: User, role: ProjectRole, actor_id: int | None) -> ProjectMember:
    """Make ``user`` a member with ``role`` (flushed, not committed) and announce ``member.added``."""
    member = ProjectMember(project_id=project_id, user_id=user.id, role=role.value)
    db.session.add(member)
    db.session.flush()
    announce(project_id, ProjectEventType.MEMBER_ADDED, actor_id=actor_id, data=member_document(member, user),
             subject_id=user.id)
    return member
