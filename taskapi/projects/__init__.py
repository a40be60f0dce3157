"""Shared projects: members with roles, invitations, and the one permission check behind every query."""

from taskapi.http.api import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects", description="Shared projects and their members")

from taskapi.projects import audit, member_views, views  # noqa: E402,F401  (receivers and views on bp)
