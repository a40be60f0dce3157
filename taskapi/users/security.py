"""Admins' view of one account's security: its live sessions (list, end all) and its security events."""

from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt

from taskapi.auth.activity import events_page, live_sessions_page
from taskapi.auth.events import record
from taskapi.auth.sessions import revoke_all_sessions
from taskapi.auth.user_schemas import EventArgsSchema, SecurityEventSchema, SessionSchema
from taskapi.extensions import db
from taskapi.http.pagination import PageArgsSchema, paged
from taskapi.users import bp


@bp.route("/<int(max=2147483647):user_id>/sessions", strict_slashes=False)
class UserSessions(MethodView):
    @bp.protected(admin=True)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, SessionSchema(many=True))
    @bp.alt_response(404, description="No such user")
    @paged
    def get(self, args, user):
        """A user's live sessions (admin), newest activity first."""
        return live_sessions_page(user.id, args, get_jwt()["fam"])

    @bp.protected(admin=True)
    @bp.response(204)
    @bp.alt_response(404, description="No such user")
    def delete(self, user):
        """End every session of a user (admin): all their tokens are refused from the next request on."""
        revoke_all_sessions(user)
        record("session.revoked", user, by="admin", admin_id=current_user.id, scope="all")
        db.session.commit()


@bp.route("/<int(max=2147483647):user_id>/events", strict_slashes=False)
class UserEvents(MethodView):
    @bp.protected(admin=True)
    @bp.arguments(EventArgsSchema, location="query")
    @bp.response(200, SecurityEventSchema(many=True))
    @bp.alt_response(404, description="No such user")
    @paged
    def get(self, args, user):
        """A user's security events (admin), newest first; filters type, since, until."""
        page = events_page(args, user_id=user.id)
        return page.rows, page
