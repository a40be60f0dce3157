"""Accounts and what proves them: lookups, creation, admin changes, passwords, mailed tokens, failure budgets."""

from taskapi.auth.credentials.accounts import create_user, find_user_by_email, find_user_by_username
from taskapi.auth.credentials.admin import admin_update
from taskapi.auth.credentials.guards import ensure_not_last_admin
from taskapi.auth.credentials.password_changes import change_password, check_password_policy, reset_password

__all__ = ["admin_update", "change_password", "check_password_policy", "create_user", "ensure_not_last_admin",
           "find_user_by_email", "find_user_by_username", "reset_password"]
