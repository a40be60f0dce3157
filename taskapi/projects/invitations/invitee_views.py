"""The invitee's side: list the invitations to your verified address, accept or decline them."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from sqlalchemy import func, select

from taskapi.auth.sessions.token_auth import token_project_restriction
from taskapi.extensions import db
from taskapi.http.pagination import PageArgsSchema, SortKey, fetch_page, paged
from taskapi.http.scopes import INTERACTIVE, Scope
from taskapi.models import Project, ProjectInvitation, User, utcnow
from taskapi.projects.invitations import bp
from taskapi.projects.invitations.acceptance import accept_by_id, accept_with_token, decline_by_id
from taskapi.projects.invitations.addresses import verified_address
from taskapi.projects.invitations.issuing import invitation_document
from taskapi.projects.invitations.rules import usable
from taskapi.projects.invitations.schemas import (
    InvitationSchema,
    InvitationTokenSchema,
    MembershipSchema,
)
from taskapi.projects.members import member_document

BY_ID = SortKey("id", ProjectInvitation.id, value_types=(int,))
NOT_FOUND = "No usable invitation with this id for your verified address (none without one)"


def membership(member):
    """The membership document of the caller's new membership."""
    return {"project_id": member.project_id, **member_document(member, current_user)}


def confined_to_its_project():
    """The condition a token confined to one project adds: invitations to that project only."""
    project_id = token_project_restriction()
    return [ProjectInvitation.project_id == project_id] if project_id is not None else []


@bp.route("/invitations", strict_slashes=False)
class MyInvitations(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, InvitationSchema(many=True))
    @paged
    def get(self, args):
        """The usable invitations addressed to your verified email (none without one); paged."""
        address = verified_address(current_user)
        condition = (ProjectInvitation.email == (address or ""), usable(utcnow()), *confined_to_its_project())
        total = db.session.scalar(select(func.count()).select_from(ProjectInvitation).where(*condition))
        query = select(ProjectInvitation, Project, User.username).join(
            Project, Project.id == ProjectInvitation.project_id).join(User, User.id == ProjectInvitation.inviter_id)
        page = fetch_page(db.session, query.where(*condition), BY_ID, args, total, lambda row: (row[0].id,))
        return [invitation_document(invitation, project, inviter) for invitation, project, inviter in page.rows], page


@bp.route("/invitations/accept", methods=["POST"], endpoint="accept_invitation")
@bp.protected(scope=INTERACTIVE)
@bp.arguments(InvitationTokenSchema)
@bp.response(200, MembershipSchema)
@bp.alt_response(400, description="Invalid, used, expired, revoked or superseded token, or not for your verified "
                                  "address (also when the account has none): one answer for all")
@bp.alt_response(409, description="You are already a member of this project")
def accept_invitation(data):
    """Accept an invitation with the token from its mail; the account must have verified the invited address."""
    member = accept_with_token(current_user, data["token"])
    return membership(member)


@bp.route("/invitations/<int(max=2147483647):invitation_id>/accept", methods=["POST"],
          endpoint="accept_invitation_by_id")
@bp.protected(scope=INTERACTIVE)
@bp.response(200, MembershipSchema)
@bp.alt_response(404, description=NOT_FOUND)
@bp.alt_response(409, description="You are already a member of this project")
def accept_invitation_by_id(invitation_id):
    """Accept an invitation to your verified address by its id (as listed by GET /invitations)."""
    member = accept_by_id(current_user, invitation_id)
    return membership(member)


@bp.route("/invitations/<int(max=2147483647):invitation_id>/decline", methods=["POST"],
          endpoint="decline_invitation")
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
@bp.alt_response(404, description=NOT_FOUND)
def decline_invitation(invitation_id):
    """Decline an invitation to your verified address; it can no longer be accepted."""
    decline_by_id(current_user, invitation_id)
