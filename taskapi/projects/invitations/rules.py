"""When an invitation can still be used: one SQL condition for the listings and the conditional UPDATEs."""

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from taskapi.models import InvitationStatus, ProjectInvitation, ProjectMember, ProjectRole, SiteRole, User


def usable(now: datetime):
    """Pending, unexpired, not superseded, and its inviter is still an active admin of the project.

    Evaluated in the database at the moment of the UPDATE that spends it, so a demotion or a newer
    invitation bites at once; the project's existence is the foreign key's (CASCADE) business.
    """
    invitation = ProjectInvitation
    newer, member, inviter = aliased(ProjectInvitation), aliased(ProjectMember), aliased(User)

    def exists(*conditions):  # correlated with the invitation only, whatever else the query joins
        return select(1).where(*conditions).correlate(invitation).exists()

    inviter_is_member_admin = exists(member.project_id == invitation.project_id,
                                     member.user_id == invitation.inviter_id,
                                     member.role == ProjectRole.ADMIN.value)
    inviter_is_site_admin = exists(inviter.id == invitation.inviter_id, inviter.role == SiteRole.ADMIN)
    inviter_is_active = exists(inviter.id == invitation.inviter_id, inviter.is_active)
    superseded = exists(newer.project_id == invitation.project_id, newer.email == invitation.email,
                        newer.id > invitation.id)
    return and_(invitation.status == InvitationStatus.PENDING.value, invitation.expires_at > now, ~superseded,
                inviter_is_active, or_(inviter_is_member_admin, inviter_is_site_admin))
