"""Project invitations: admins invite an address; the account that verified it accepts or declines."""

from taskapi.http.api import Blueprint

bp = Blueprint("invitations", __name__, description="Invitations to join a project, bound to a verified address")

from taskapi.projects.invitations import invitee_views, project_views  # noqa: E402,F401  (registers the views on bp)
