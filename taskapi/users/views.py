"""Users views: /users/me for everyone, /users and /users/{id} for admins."""

from flask import jsonify
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import abort

from taskapi.auth.credentials import admin_update
from taskapi.auth.factors import reset_two_factor as clear_second_factor
from taskapi.auth.limits import email_change_recipient, limit_mail
from taskapi.auth.mailed.email_change import CHANGE_REQUESTED
from taskapi.auth.signin import Purpose, reauthenticated
from taskapi.auth.user_schemas import UserSchema
from taskapi.extensions import db
from taskapi.http.pagination import paged
from taskapi.http.scopes import INTERACTIVE, Scope
from taskapi.models import User
from taskapi.users import bp
from taskapi.users.accounts import delete_account, update_own_account, users_page
from taskapi.users.schemas import (
    EmailChangeAcceptedSchema,
    MeDeleteSchema,
    MeUpdateSchema,
    UserAdminUpdateSchema,
    UserListArgsSchema,
)


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
        if update_own_account(current_user, data):
            return jsonify(detail=CHANGE_REQUESTED), 202
        return current_user

    @bp.protected(scope=INTERACTIVE)
    @bp.arguments(MeDeleteSchema)
    @bp.response(204)
    @bp.alt_response(409, description="The last active admin cannot delete themselves")
    @reauthenticated(bp, Purpose.ACCOUNT_DELETE)
    def delete(self, data):
        """Delete the caller's account, its personal tasks and memberships (``current_password``, or ``password``)."""
        delete_account(current_user)


@bp.route("", strict_slashes=False)
class Users(MethodView):
    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.arguments(UserListArgsSchema, location="query")
    @bp.response(200, UserSchema(many=True))
    @paged
    def get(self, args):
        """Every account, by id (admin); filters q, role, is_active; paged like tasks."""
        page = users_page(args)
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
        return admin_update(user, data, actor=current_user)

    @bp.protected(admin=True, scope=Scope.ADMIN)
    @bp.response(204)
    @bp.alt_response(404, description="No such user")
    @bp.alt_response(409, description="Would leave no active admin")
    def delete(self, user):
        """Delete a user, their personal tasks and memberships (admin); each project keeps an admin."""
        delete_account(user, actor=current_user)


@bp.route("/<int(max=2147483647):user_id>/2fa", methods=["DELETE"], strict_slashes=False)
@bp.protected(admin=True, scope=Scope.ADMIN)
@bp.response(204)
@bp.alt_response(404, description="No such user")
def reset_two_factor(user):
    """Clear a user's second factor (a lost authenticator) and end all their sessions (admin)."""
    clear_second_factor(user, actor=current_user)
