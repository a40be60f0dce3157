"""Users views: /users/me for everyone, /users and /users/{id} for admins."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from sqlalchemy import func, or_, select

from taskapi.accounts import EMAIL_TAKEN, find_user_by_email
from taskapi.auth.schemas import UserSchema
from taskapi.extensions import db
from taskapi.models import User
from taskapi.pagination import SortKey, fetch_page
from taskapi.passwords import verify_password
from taskapi.security import BEARER_SECURITY, admin_required
from taskapi.sessions import revoke_all_sessions
from taskapi.tasks.listing import escape_like
from taskapi.users import bp
from taskapi.users.guards import ensure_not_last_admin
from taskapi.users.schemas import MeDeleteSchema, MeUpdateSchema, UserAdminUpdateSchema, UserListArgsSchema

BY_ID = SortKey("id", User.id, value_types=(int,))


def confirm_password(password):
    """:raises 400: ``password`` is not the caller's current password"""
    if not verify_password(password, current_user.password_hash):
        abort(400, message="Current password is incorrect")


@bp.route("/me", strict_slashes=False)
class Me(MethodView):
    decorators = [jwt_required()]

    @bp.doc(security=BEARER_SECURITY)
    @bp.response(200, UserSchema)
    def get(self):
        """The caller's account (alias of /auth/me)."""
        return current_user

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(MeUpdateSchema)
    @bp.response(200, UserSchema)
    @bp.alt_response(400, description="Wrong current password, or email already registered")
    def patch(self, data):
        """Change the caller's email (or remove it with null); needs the current password."""
        confirm_password(data["current_password"])
        other = find_user_by_email(data["email"]) if data["email"] else None
        if other is not None and other.id != current_user.id:
            abort(400, message=EMAIL_TAKEN)
        if (data["email"] or "").lower() != (current_user.email or "").lower():
            current_user.email_verified = False  # a new address is unproven until its own link is used
        current_user.email = data["email"]
        db.session.commit()
        return current_user

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(MeDeleteSchema)
    @bp.response(204)
    @bp.alt_response(400, description="Wrong password")
    @bp.alt_response(409, description="The last active admin cannot delete themselves")
    def delete(self, data):
        """Delete the caller's account and every task it owns (password confirmation)."""
        confirm_password(data["password"])
        ensure_not_last_admin(current_user)
        db.session.delete(current_user)
        db.session.commit()


@bp.route("", strict_slashes=False)
class Users(MethodView):
    decorators = [admin_required()]

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(UserListArgsSchema, location="query")
    @bp.response(200, UserSchema(many=True))
    @bp.alt_response(403, description="Admin privileges required")
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
        users, headers = fetch_page(db.session, select(User).where(*conditions), BY_ID, args, total,
                                    lambda user: (user.id,))
        return users, 200, headers


@bp.route("/<int(max=2147483647):user_id>", strict_slashes=False)
class UserById(MethodView):
    decorators = [jwt_required()]

    @bp.doc(security=BEARER_SECURITY)
    @bp.response(200, UserSchema)
    @bp.alt_response(404, description="No such user (or, for a non-admin, not you)")
    def get(self, user_id):
        """One account: any for an admin, only your own otherwise (others are 404)."""
        if user_id != current_user.id and not current_user.is_admin:
            abort(404, message="User not found")
        return get_user_or_404(user_id)

    @bp.doc(security=BEARER_SECURITY)
    @bp.arguments(UserAdminUpdateSchema)
    @bp.response(200, UserSchema)
    @bp.alt_response(403, description="Admin privileges required")
    @bp.alt_response(409, description="Would leave no active admin")
    @admin_required()
    def patch(self, data, user_id):
        """Change a user's role or active flag (admin); disabling ends their sessions at once."""
        user = get_user_or_404(user_id)
        demoted = data.get("role", user.role) != "admin" or data.get("is_active", user.is_active) is False
        if demoted:
            ensure_not_last_admin(user)
        if data.get("is_active") is False and user.is_active:
            revoke_all_sessions(user)
        for field, value in data.items():
            setattr(user, field, value)
        db.session.commit()
        return user

    @bp.doc(security=BEARER_SECURITY)
    @bp.response(204)
    @bp.alt_response(403, description="Admin privileges required")
    @bp.alt_response(409, description="Would leave no active admin")
    @admin_required()
    def delete(self, user_id):
        """Delete a user and their tasks (admin)."""
        user = get_user_or_404(user_id)
        ensure_not_last_admin(user)
        db.session.delete(user)
        db.session.commit()


def get_user_or_404(user_id):
    """The user with this id.

    :raises 404: no such user
    """
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message="User not found")
    return user
