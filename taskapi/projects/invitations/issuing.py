"""Inviting: an admin creates (and may revoke) an invitation; its token exists only in the mail."""

import secrets
from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from taskapi.auth.credentials.mailed_tokens import digest
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.fields import utc_timestamp
from taskapi.models import InvitationStatus, Project, ProjectInvitation, ProjectRole, User, utcnow
from taskapi.projects.invitations.addresses import verified_account_id
from taskapi.signals import ProjectEventType, announce

INVITATION_NOT_FOUND = "Invitation not found"
NOT_PENDING = "Only a pending invitation can be revoked"


def invitation_document(invitation: ProjectInvitation, project: Project | None = None,
                        inviter: str | None = None) -> dict:
    """What an admin or the invitee reads of an invitation: never its token or digest."""
    document = {"id": invitation.id, "project_id": invitation.project_id, "email": invitation.email,
                "role": invitation.role, "status": invitation.status_at(utcnow()).value,
                "created_at": utc_timestamp(invitation.created_at),
                "expires_at": utc_timestamp(invitation.expires_at), "inviter": inviter}
    if project is not None:
        document["project_name"] = project.name
    return document


def create_invitation(project: Project, inviter: User, address: str,
                      role: ProjectRole) -> tuple[ProjectInvitation, str]:
    """A pending invitation of ``address`` (canonical) and its token; older pending ones for it are revoked.

    The same work whether or not an account has the address. The caller queues the mail with the
    token (the only copy outside the mail) for after the commit.
    """
    now = utcnow()
    db.session.execute(update(ProjectInvitation).where(
        ProjectInvitation.project_id == project.id, ProjectInvitation.email == address,
        ProjectInvitation.status == InvitationStatus.PENDING.value,
    ).values(status=InvitationStatus.REVOKED.value, responded_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    invitation = ProjectInvitation(
        project_id=project.id, email=address, role=role.value, token_hash=digest(token), inviter_id=inviter.id,
        created_at=now, expires_at=now + timedelta(seconds=current_app.config["PROJECT_INVITATION_TTL"]),
        status=InvitationStatus.PENDING.value)
    db.session.add(invitation)
    db.session.flush()
    announce(project.id, ProjectEventType.INVITATION_CREATED, actor_id=inviter.id,
             data=invitation_document(invitation, inviter=inviter.username), subject_id=verified_account_id(address))
    return invitation, token


def project_invitation(project: Project, invitation_id: int) -> ProjectInvitation:
    """The invitation ``invitation_id`` of ``project``.

    :raises DomainError 404: none with this id in this project
    """
    invitation = db.session.scalar(select(ProjectInvitation).where(
        ProjectInvitation.id == invitation_id, ProjectInvitation.project_id == project.id))
    if invitation is None:
        raise DomainError(404, INVITATION_NOT_FOUND)
    return invitation


def revoke_invitation(invitation: ProjectInvitation, actor: User, reason: str | None = None) -> None:
    """Revoke a pending, unexpired invitation (one conditional UPDATE, so a racing accept wins or loses whole).

    :raises DomainError 409: it is no longer pending (accepted, declined, revoked or expired)
    """
    now = utcnow()
    revoked = cast(CursorResult, db.session.execute(update(ProjectInvitation).where(
        ProjectInvitation.id == invitation.id, ProjectInvitation.status == InvitationStatus.PENDING.value,
        ProjectInvitation.expires_at > now,
    ).values(status=InvitationStatus.REVOKED.value, responded_at=now).execution_options(synchronize_session=False)))
    if revoked.rowcount != 1:
        raise DomainError(409, NOT_PENDING)
    db.session.refresh(invitation)
    data = invitation_document(invitation)
    if reason:
        data["reason"] = reason
    announce(invitation.project_id, ProjectEventType.INVITATION_REVOKED, actor_id=actor.id, data=data,
             subject_id=verified_account_id(invitation.email))
