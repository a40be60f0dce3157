"""Tasks blueprint: each user's tasks; admins see and delete any."""

from taskapi.http.api import Blueprint

# Its views, and what they call, read only the id, username, is_admin and counts of current_user.
bp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Per-user tasks", account_identity=True)

from taskapi.tasks import views  # noqa: E402,F401  (registers the views on bp)
