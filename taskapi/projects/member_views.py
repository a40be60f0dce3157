"""Members and audit trail of a project: list, change a role, remove (or leave), read the events."""

from flask import request
from flask.views import MethodView
from flask_jwt_extended import current_user

from taskapi.http.pagination import PageArgsSchema, paged
from taskapi.http.scopes import Scope
from taskapi.models import ProjectRole
from taskapi.projects import bp
from taskapi.projects.audit import project_events_page
from taskapi.projects.members import change_role, member_of, members_page, remove_member
from taskapi.projects.schemas import MemberRoleSchema, MemberSchema, ProjectEventArgsSchema, ProjectEventSchema
from taskapi.projects.views import NOT_FOUND, TOO_LOW

LAST_ADMIN_409 = "This would leave the project without an admin"


@bp.view_arg_loader("user_id", "member")
def load_member(user_id):
    """The membership of ``user_id`` in the project the URL names (loaded first, as ``project``).

    :raises 404: that user is not a member
    """
    project, _ = request.view_args["project"]
    return member_of(project.id, user_id)


@bp.route("/<int(max=2147483647):project_id>/members", strict_slashes=False)
class Members(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, MemberSchema(many=True))
    @bp.alt_response(404, description=NOT_FOUND)
    @paged
    def get(self, args, project):
        """The project's members, earliest joined first (any member); paged."""
        return members_page(project[0].id, args)


@bp.route("/<int(max=2147483647):project_id>/members/<int(max=2147483647):user_id>", strict_slashes=False)
class MemberById(MethodView):
    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.arguments(MemberRoleSchema)
    @bp.response(200, MemberSchema)
    @bp.alt_response(403, description=TOO_LOW)
    @bp.alt_response(404, description="No such project or member, or not a member yourself")
    @bp.alt_response(409, description=LAST_ADMIN_409)
    def patch(self, data, project, member):
        """Change a member's role (the project's admins); demoting the last admin is 409."""
        document = change_role(member, ProjectRole(data["role"]), current_user)
        return document

    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.response(204)
    @bp.alt_response(403, description="Removing someone else takes the admin role")
    @bp.alt_response(404, description="No such project or member, or not a member yourself")
    @bp.alt_response(409, description=LAST_ADMIN_409)
    def delete(self, project, member):
        """Remove a member (the project's admins), or leave (any member, their own id); the last admin stays."""
        remove_member(member, current_user)


@bp.route("/<int(max=2147483647):project_id>/events", strict_slashes=False)
class ProjectEvents(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.arguments(ProjectEventArgsSchema, location="query")
    @bp.response(200, ProjectEventSchema(many=True))
    @bp.alt_response(403, description=TOO_LOW)
    @bp.alt_response(404, description=NOT_FOUND)
    @paged
    def get(self, args, project):
        """The project's audit trail, newest first (its admins); filter type; paged."""
        page = project_events_page(project[0].id, args)
        return page.rows, page
