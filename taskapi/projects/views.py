"""Project views: create, list, read, rename, delete; the project_id loader checks the caller's role."""

from flask import request, url_for
from flask.views import MethodView
from flask_jwt_extended import current_user

from taskapi.http.contract import headers
from taskapi.http.hosts import external_url
from taskapi.http.pagination import paged
from taskapi.http.scopes import Scope
from taskapi.models import ProjectRole
from taskapi.projects import bp
from taskapi.projects.access import project_for
from taskapi.projects.schemas import ProjectCreateSchema, ProjectListArgsSchema, ProjectPatchSchema, ProjectSchema
from taskapi.projects.services import create_project, delete_project, project_document, projects_page, update_project

NOT_FOUND = "No such project, or not a member"
TOO_LOW = "Your role in this project does not allow this"
# Reads need viewer and writes admin, except these (endpoint, method) pairs.
NEEDS = {("projects.ProjectEvents", "GET"): ProjectRole.ADMIN,
         ("projects.MemberById", "DELETE"): ProjectRole.VIEWER}  # leaving; removing others is checked after


@bp.view_arg_loader("project_id", "project")
def load_project(project_id):
    """(project, the caller's role) when that role allows the request (views receive it as ``project``).

    :raises 404: no such project, or not a member (the same answer)
    :raises 403: a member whose role is too low
    """
    method = "GET" if request.method == "HEAD" else request.method  # HEAD answers GET's headers: same need
    default = ProjectRole.VIEWER if method == "GET" else ProjectRole.ADMIN
    return project_for(project_id, current_user, NEEDS.get((request.endpoint, method), default))


@bp.route("", strict_slashes=False)
class Projects(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.arguments(ProjectListArgsSchema, location="query")
    @bp.response(200, ProjectSchema(many=True))
    @bp.alt_response(403, description="all=true from someone who is not a site admin")
    @paged
    def get(self, args):
        """The caller's projects with their role and member count (site admins: all=true for every one); paged."""
        return projects_page(current_user, args)

    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.arguments(ProjectCreateSchema)
    @bp.response(201, ProjectSchema, headers=headers("Location"))
    def post(self, data):
        """Create a project; the caller becomes its admin; the Location header points at it."""
        document = create_project(current_user, data)
        return document, 201, {"Location": external_url(url_for("projects.ProjectById", project_id=document["id"]))}


@bp.route("/<int(max=2147483647):project_id>", strict_slashes=False)
class ProjectById(MethodView):
    @bp.protected(scope=Scope.PROJECTS_READ)
    @bp.response(200, ProjectSchema)
    @bp.alt_response(404, description=NOT_FOUND)
    def get(self, project):
        """One project (any member)."""
        return project_document(*project)

    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.arguments(ProjectPatchSchema)
    @bp.response(200, ProjectSchema)
    @bp.alt_response(403, description=TOO_LOW)
    @bp.alt_response(404, description=NOT_FOUND)
    def patch(self, data, project):
        """Rename or describe a project (its admins)."""
        document = update_project(*project, data, current_user)
        return document

    @bp.protected(scope=Scope.PROJECTS_WRITE)
    @bp.response(204)
    @bp.alt_response(403, description=TOO_LOW)
    @bp.alt_response(404, description=NOT_FOUND)
    def delete(self, project):
        """Delete a project with its tasks and memberships (its admins)."""
        delete_project(*project, current_user)
