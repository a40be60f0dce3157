"""Users views: /users/me for everyone, /users and /users/{id} for admins."""

from flask import jsonify
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import abort
from sqlalchemy import func, or_, select

from taskapi.auth.audit.events import record, record_admin_changes
from taskapi.auth.credentials.guards import ensure_not_last_admin
from taskapi.auth.factors import two_factor
from taskapi.auth.limits import email_change_recipient, limit_mail
from taskapi.auth.mailed.email_change import CHANGE_REQUESTED, remove_email, request_email_change
from taskapi.auth.sessions.sessions import revoke_all_sessions
from taskapi.auth.signin.reauth import Purpose, reauthenticated
from taskapi.auth.user_schemas import UserSchema
from taskapi.db.engine import escape_like
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.http.pagination import SortKey, fetch_page, paged
from taskapi.http.scopes import INTERACTIVE, Scope
from taskapi.models import SiteRole, User
from taskapi.projects.accounts import leave_all_projects
from taskapi.signals import SecurityEventType
from taskapi.users import bp
from taskapi.users.preferences import apply_preferences
from taskapi.users.schemas import (
    EmailChangeAcceptedSchema,
    MeDeleteSchema,
    MeUpdateSchema,
    UserAdminUpdateSchema,
    UserListArgsSchema,
)

BY_ID = SortKey("id", User.id, value_types=(int,))


@bp.view_arg_loader("user_id", "user")
def get_visible_user_or_404(user_id):
    """The user with this id: any for an admin, only the caller otherwise (views receive it as ``user``).

    :raises 404: no such user, or (for a non-admin) someone else
    """
    user = db.session.get(User, user_id) if user_id == current_user.id or current_user.is_admin else None
    if user is None:
        abort(404, message="User not found")
    return user


@bp.route("/me", strict_slashes=False)
class Me(MethodView):
    @bp.protected(scope=Scope.ACCOUNT_READ)
    @bp.response(200, UserSchema)
    def get(self):
        """The caller's account (alias of /auth/me)."""
        return current_user

    @bp.protected(scope=INTERACTIVE)
    @limit_mail(bp, "email_change_confirm", "email_change_taken", "email_change_requested", "email_removed",
                recipient=email_change_recipient)
    @bp.arguments(MeUpdateSchema)
    @bp.response(200, UserSchema)
    @bp.alt_response(202, schema=EmailChangeAcceptedSchema,
                     description="A new email: a confirmation token was mailed to it (same answer if it is taken)")
    @bp.alt_response(503, description="The job queue cannot be written; nothing was changed, try again")
    @reauthenticated(bp, Purpose.ACCOUNT_UPDATE)
    def patch(self, data):
        """Change the caller's reminder preferences, or ask to change the email (null removes it); needs the password.

        A new email answers 202 and changes only when the token mailed to it is redeemed.
        """
        apply_preferences(current_user, data)
        email = data.get("email", current_user.email)
        if email is None:
            remove_email(current_user)
        elif email != canonical_email(current_user.email or ""):
            request_email_change(current_user, email)
            return jsonify(detail=CHANGE_REQUESTED), 202
        return current_user

    @bp.protected(scope=INTERACTIVE)
    @bp.arguments(MeDeleteSchema)
    @bp.response(204)
    @bp.alt_response(409, description="The last active admin cannot delete themselves")
    @reauthenticated(bp, Purpose.ACCOUNT_DELETE)
    def delete(self, data):
        """Delete the caller's account, its personal tasks and memberships (``current_password``, or ``password``)."""
        ensure_not_last_admin(current_user)
        record(SecurityEventType.ACCOUNT_DELETED, current_user, by="owner", account_id=current_user.id)
        leave_all_projects(current_user, actor_id=current_user.id)
        db.session.delete(current_user)


@bp.route("", strict_slashes=False)
class Users(MethodView):
    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.arguments(UserListArgsSchema, location="query")
    @bp.response(200, UserSchema(many=True))
    @paged
    def get(self, args):
        """Every account, by id (admin); filters q, role, is_active; paged like tasks."""
        conditions = []
        if args["q"]:
            pattern = f"%{escape_like(args['q'].lower())}%"
            conditions.append(or_(func.lower(User.username).like(pattern, escape="\\"),
                                  func.lower(User.email).like(pattern, escape="\\")))
        if args["role"]:
            conditions.append(User.role == args["role"])
        if args["is_active"] is not None:
            conditions.append(User.is_active == args["is_active"])
        total = db.session.scalar(select(func.count()).select_from(User).where(*conditions))
        page = fetch_page(db.session, select(User).where(*conditions), BY_ID, args, total, lambda user: (user.id,))
        return page.rows, page


@bp.route("/<int(max=2147483647):user_id>", strict_slashes=False)
class UserById(MethodView):
    @bp.protected(scope=Scope.ACCOUNT_READ)
    @bp.response(200, UserSchema)
    @bp.alt_response(404, description="No such user (or, for a non-admin, not you)")
    def get(self, user):
        """One account: any for an admin, only your own otherwise (others are 404)."""
        return user

    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.arguments(UserAdminUpdateSchema)
    @bp.response(200, UserSchema)
    @bp.alt_response(404, description="No such user")
    @bp.alt_response(409, description="Would leave no active admin")
    def patch(self, data, user):
        """Change a user's role or active flag (admin); disabling ends their sessions at once."""
        demoted = data.get("role", user.role) != SiteRole.ADMIN or data.get("is_active", user.is_active) is False
        if demoted:
            ensure_not_last_admin(user)
        if data.get("is_active") is False and user.is_active:
            revoke_all_sessions(user)
        record_admin_changes(user, data, admin_id=current_user.id)
        for field, value in data.items():
            setattr(user, field, value)
        return user

    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.response(204)
    @bp.alt_response(404, description="No such user")
    @bp.alt_response(409, description="Would leave no active admin")
    def delete(self, user):
        """Delete a user, their personal tasks and memberships (admin); each project keeps an admin."""
        ensure_not_last_admin(user)
        record(SecurityEventType.ACCOUNT_DELETED, user, by="admin", admin_id=current_user.id, account_id=user.id)
        leave_all_projects(user, actor_id=current_user.id)
        db.session.delete(user)


@bp.route("/<int(max=2147483647):user_id>/2fa", methods=["DELETE"], strict_slashes=False)
@bp.protected(admin=True, scope=Scope.ADMIN)
@bp.response(204)
@bp.alt_response(404, description="No such user")
def reset_two_factor(user):
    """Clear a user's second factor (a lost authenticator) and end all their sessions (admin)."""
    two_factor.reset_by_admin(user, admin_id=current_user.id)
