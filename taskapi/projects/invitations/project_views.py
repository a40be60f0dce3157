"""An admin's side: invite an address to the project, list the pending invitations, revoke one."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from sqlalchemy import func, select

from taskapi.auth.limits import limit_mail
from taskapi.db.unit_of_work import commit
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.http.pagination import PageArgsSchema, SortKey, fetch_page, paged
from taskapi.http.scopes import Scope
from taskapi.jobs import enqueue_after_commit
from taskapi.models import ProjectInvitation, ProjectRole, User, utcnow
from taskapi.projects.access import project_for
from taskapi.projects.invitations import bp
from taskapi.projects.invitations.addresses import canonical_address
from taskapi.projects.invitations.issuing import (
    create_invitation,
    invitation_document,
    project_invitation,
    revoke_invitation,
)
from taskapi.projects.invitations.limits import TOO_MANY, invited_address, limit_invitations
from taskapi.projects.invitations.mails import mail_invitation
from taskapi.projects.invitations.rules import usable
from taskapi.projects.invitations.schemas import (
    LIMIT_HEADERS,
    RETRY_HEADERS,
    InvitationCreateSchema,
    InvitationSchema,
)

BY_ID = SortKey("id", ProjectInvitation.id, value_types=(int,))
NOT_ADMIN = "Not a member: 404 (as for no project); a member below admin: 403"
MAIL_NOT_QUEUED = "mail not queued"


@bp.view_arg_loader("project_id", "project")
def administered_project(project_id):
    """The project, if the caller administers it (views receive it as ``project``).

    :raises DomainError 404: no such project, or the caller is not a member
    :raises DomainError 403: a member below admin
    """
    return project_for(project_id, current_user, ProjectRole.ADMIN)[0]


def inviter_names(invitations):
    """{user id: username} of the inviters of ``invitations``, in one query."""
    ids = {invitation.inviter_id for invitation in invitations} - {None}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}


@bp.route("/projects/<int(max=2147483647):project_id>/invitations", strict_slashes=False)
class ProjectInvitations(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, InvitationSchema(many=True))
    @bp.alt_response(403, description=NOT_ADMIN)
    @bp.alt_response(404, description=NOT_ADMIN)
    @paged
    def get(self, args, project):
        """The project's usable pending invitations, oldest first (admins); paged like every listing."""
        condition = (ProjectInvitation.project_id == project.id, usable(utcnow()))
        total = db.session.scalar(select(func.count()).select_from(ProjectInvitation).where(*condition))
        page = fetch_page(db.session, select(ProjectInvitation).where(*condition), BY_ID, args, total,
                          lambda invitation: (invitation.id,))
        names = inviter_names(page.rows)
        return [invitation_document(item, project, names.get(item.inviter_id)) for item in page.rows], page

    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @limit_invitations
    @limit_mail(bp, "project_invitation", recipient=invited_address)
    @bp.arguments(InvitationCreateSchema)
    @bp.response(201, InvitationSchema, headers=LIMIT_HEADERS)
    @bp.alt_response(403, description=NOT_ADMIN)
    @bp.alt_response(404, description=NOT_ADMIN)
    @bp.alt_response(429, description=TOO_MANY, headers=RETRY_HEADERS)
    @bp.alt_response(503, description="The job queue cannot be written; the invitation was revoked, try again")
    def post(self, data, project):
        """Invite an address with a role (admins); the same answer whether or not an account has it.

        A newer invitation for the same address supersedes (revokes) the older ones.
        """
        address = canonical_address(data["email"]) or canonical_email(data["email"])
        invitation, token = create_invitation(project, current_user, address, ProjectRole(data["role"]))
        invitation_id = invitation.id
        enqueue_after_commit(mail_invitation, invitation_id, token,
                             if_unavailable=lambda error: take_back(invitation_id, error))
        return invitation_document(invitation, project, current_user.username), 201


def take_back(invitation_id, error):
    """Nobody can use an invitation whose token was never mailed: revoke it (committed), then answer ``error``."""
    revoke_invitation(db.session.get(ProjectInvitation, invitation_id), current_user, reason=MAIL_NOT_QUEUED)
    commit(db.session)  # a second unit of work: the first, which issued it, is committed already
    raise error


@bp.route("/projects/<int(max=2147483647):project_id>/invitations/<int(max=2147483647):invitation_id>",
          strict_slashes=False)
class ProjectInvitationById(MethodView):
    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.response(204)
    @bp.alt_response(403, description=NOT_ADMIN)
    @bp.alt_response(404, description="No such project or invitation (or not a member)")
    @bp.alt_response(409, description="The invitation is no longer pending")
    def delete(self, project, invitation_id):
        """Revoke a pending invitation (admins); its token stops working at once."""
        revoke_invitation(project_invitation(project, invitation_id), current_user)
