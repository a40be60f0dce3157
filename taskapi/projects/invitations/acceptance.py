"""Answering an invitation: only the account that verified the invited address, once, while it is usable."""

from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from taskapi.auth.credentials.mailed_tokens import digest
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import InvitationStatus, ProjectInvitation, ProjectMember, ProjectRole, User, utcnow
from taskapi.projects.invitations.addresses import verified_address
from taskapi.projects.invitations.issuing import INVITATION_NOT_FOUND, invitation_document
from taskapi.projects.invitations.rules import usable
from taskapi.projects.members import add_member
from taskapi.signals import ProjectEventType, announce

INVALID_INVITATION = ("The invitation token is invalid, expired or already used, or it is not for the verified email "
                      "address of this account")
ALREADY_MEMBER = "You are already a member of this project"


def accept_with_token(user: User, token: str) -> ProjectMember:
    """Accept the invitation a mailed token names; every refusal is the same 400, whatever its cause.

    :raises DomainError 400: unknown, used, expired, revoked, superseded token, another address's, or an
        account without a verified address
    :raises DomainError 409: a usable invitation, but ``user`` is already a member
    """
    invitation = db.session.scalar(select(ProjectInvitation).where(ProjectInvitation.token_hash == digest(token)))
    return join(user, answer(user, invitation, InvitationStatus.ACCEPTED, DomainError(400, INVALID_INVITATION)))


def accept_by_id(user: User, invitation_id: int) -> ProjectMember:
    """Accept an invitation addressed to ``user``'s verified address, by its id (the account pages' list).

    :raises DomainError 404: no usable invitation with this id for this address (none without a verified one)
    :raises DomainError 409: ``user`` is already a member
    """
    invitation = db.session.get(ProjectInvitation, invitation_id)
    return join(user, answer(user, invitation, InvitationStatus.ACCEPTED, DomainError(404, INVITATION_NOT_FOUND)))


def decline_by_id(user: User, invitation_id: int) -> None:
    """Decline an invitation addressed to ``user``'s verified address.

    :raises DomainError 404: no usable invitation with this id for this address
    """
    invitation = db.session.get(ProjectInvitation, invitation_id)
    answer(user, invitation, InvitationStatus.DECLINED, DomainError(404, INVITATION_NOT_FOUND))


def answer(user: User, invitation: ProjectInvitation | None, status: InvitationStatus,
           refusal: DomainError) -> ProjectInvitation:
    """Spend ``invitation`` with one conditional UPDATE (of two racing answers one wins); returns it, announced."""
    address = verified_address(user)
    if address is None or invitation is None or invitation.email != address:
        raise refusal
    now = utcnow()
    spent = cast(CursorResult, db.session.execute(update(ProjectInvitation).where(
        ProjectInvitation.id == invitation.id, ProjectInvitation.email == address, usable(now),
    ).values(status=status.value, responded_at=now).execution_options(synchronize_session=False)))
    if spent.rowcount != 1:
        raise refusal
    db.session.refresh(invitation)
    if status == InvitationStatus.ACCEPTED:
        refuse_a_member(user, invitation)
        event = ProjectEventType.INVITATION_ACCEPTED
    else:
        event = ProjectEventType.INVITATION_DECLINED
    announce(invitation.project_id, event, actor_id=user.id, data=invitation_document(invitation),
             subject_id=user.id)
    return invitation


def refuse_a_member(user: User, invitation: ProjectInvitation) -> None:
    """Undo the answer and refuse when ``user`` already belongs to the invitation's project.

    :raises DomainError 409: already a member (the invitation stays pending)
    """
    already = db.session.scalar(select(ProjectMember.id).where(ProjectMember.project_id == invitation.project_id,
                                                               ProjectMember.user_id == user.id))
    if already is not None:  # the refusal rolls the answer back
        raise DomainError(409, ALREADY_MEMBER)


def join(user: User, invitation: ProjectInvitation) -> ProjectMember:
    """Make ``user`` a member with the invited role; the inviter is who granted it.

    :raises DomainError 409: a concurrent request made them a member first
    """
    try:
        return add_member(invitation.project_id, user, ProjectRole(invitation.role), actor_id=invitation.inviter_id)
    except IntegrityError:
        db.session.rollback()
        raise DomainError(409, ALREADY_MEMBER) from None
