"""Users blueprint: the caller's own account, and account management for admins."""

from taskapi.http.api import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users", description="Accounts: your own, and (admins) everyone's")

from taskapi.users import security, views  # noqa: E402,F401  (registers the views on bp)
