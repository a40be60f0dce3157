"""Tasks blueprint: each user's tasks; admins see and delete any."""

from taskapi.http.api import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Per-user tasks")

from taskapi.tasks import views  # noqa: E402,F401  (registers the views on bp)
