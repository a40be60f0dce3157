"""Sessions and tokens: login sessions, JWTs and their keys, personal access tokens."""

from taskapi.auth.sessions.access_tokens import create_token, revoke_token, tokens_page
from taskapi.auth.sessions.endings import end_all_sessions, end_other_sessions, end_session, logout
from taskapi.auth.sessions.sessions import revoke_all_sessions, rotate, spend, start_session, verify_refresh_token

__all__ = ["create_token", "end_all_sessions", "end_other_sessions", "end_session", "logout", "revoke_all_sessions",
           "revoke_token", "rotate", "spend", "start_session", "tokens_page", "verify_refresh_token"]
