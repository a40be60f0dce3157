"""The caller's security center: live sessions (list, end one, end the others) and security events."""

from flask_jwt_extended import current_user, get_jwt

from taskapi.auth.activity import events_page, live_sessions_page
from taskapi.auth.sessions import end_other_sessions, end_session
from taskapi.auth.user_schemas import AllEventArgsSchema, EventArgsSchema, SecurityEventSchema, SessionSchema
from taskapi.auth.views import bp
from taskapi.http.pagination import PageArgsSchema, paged
from taskapi.http.scopes import INTERACTIVE, Scope


@bp.route("/auth/sessions", methods=["GET"])
@bp.protected(scope=Scope.ACCOUNT_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, SessionSchema(many=True))
@paged
def list_sessions(args):
    """The caller's live sessions, newest activity first; paged like tasks."""
    page = live_sessions_page(current_user.id, args, get_jwt().get("fam"))  # no "fam": an access token
    return page.rows, page


@bp.route("/auth/sessions/<session_id>", methods=["DELETE"])
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
@bp.alt_response(404, description="No such live session of yours")
def revoke_one_session(session_id):
    """End one of the caller's sessions: its access and refresh tokens are refused from the next request on."""
    end_session(current_user, session_id)


@bp.route("/auth/logout-others", methods=["POST"])
@bp.protected(scope=INTERACTIVE)
@bp.response(204)
def logout_others():
    """End every session of the caller but the current one."""
    end_other_sessions(current_user, get_jwt()["fam"])


@bp.route("/auth/events", methods=["GET"])
@bp.protected(scope=Scope.ACCOUNT_READ)
@bp.arguments(EventArgsSchema, location="query")
@bp.response(200, SecurityEventSchema(many=True))
@paged
def my_events(args):
    """The caller's security events, newest first; filters type, since, until; paged like tasks."""
    page = events_page(args, user_id=current_user.id)
    return page.rows, page


@bp.route("/events", methods=["GET"])
@bp.protected(admin=True, scope=Scope.ADMIN)
@bp.arguments(AllEventArgsSchema, location="query")
@bp.response(200, SecurityEventSchema(many=True))
@paged
def all_events(args):
    """Every account's security events (admin), newest first; filters user, type, since, until."""
    page = events_page(args, user_id=args["user"])
    return page.rows, page
