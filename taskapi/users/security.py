"""Admins' view of one account's security: live sessions (list, end all), access tokens, security events."""

from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt

from taskapi.auth.activity import events_page, live_sessions_page
from taskapi.auth.sessions import end_all_sessions, revoke_token, tokens_page
from taskapi.auth.user_schemas import AccessTokenSchema, EventArgsSchema, SecurityEventSchema, SessionSchema
from taskapi.http.pagination import PageArgsSchema, paged
from taskapi.http.scopes import Scope
from taskapi.users import bp


@bp.route("/<int(max=2147483647):user_id>/sessions", strict_slashes=False)
class UserSessions(MethodView):
    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, SessionSchema(many=True))
    @bp.alt_response(404, description="No such user")
    @paged
    def get(self, args, user):
        """A user's live sessions (admin), newest activity first."""
        page = live_sessions_page(user.id, args, get_jwt().get("fam"))  # no "fam": an access token
        return page.rows, page

    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.response(204)
    @bp.alt_response(404, description="No such user")
    def delete(self, user):
        """End every session of a user (admin): all their tokens are refused from the next request on."""
        end_all_sessions(user, actor=current_user)


@bp.route("/<int(max=2147483647):user_id>/events", strict_slashes=False)
class UserEvents(MethodView):
    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.arguments(EventArgsSchema, location="query")
    @bp.response(200, SecurityEventSchema(many=True))
    @bp.alt_response(404, description="No such user")
    @paged
    def get(self, args, user):
        """A user's security events (admin), newest first; filters type, since, until."""
        page = events_page(args, user_id=user.id)
        return page.rows, page


@bp.route("/<int(max=2147483647):user_id>/tokens", methods=["GET"], strict_slashes=False)
@bp.protected(admin=True, scope=Scope.ADMIN)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, AccessTokenSchema(many=True))
@bp.alt_response(404, description="No such user")
@paged
def user_tokens(args, user):
    """A user's personal access tokens (admin), newest first; never the tokens themselves."""
    page = tokens_page(user.id, args)
    return page.rows, page


@bp.route("/<int(max=2147483647):user_id>/tokens/<int(max=2147483647):token_id>", methods=["DELETE"],
          strict_slashes=False)
@bp.protected(admin=True, scope=Scope.ADMIN)
@bp.response(204)
@bp.alt_response(404, description="No such user, or no such token of theirs")
def revoke_user_token(user, token_id):
    """Revoke one of a user's personal access tokens (admin); the event names the admin."""
    revoke_token(user, token_id, actor=current_user)
