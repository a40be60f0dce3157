"""The account verbs the views and the CLI share, called directly: an app context and the database, no HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from taskapi.auth import credentials, mailed, sessions
from taskapi.auth.activity import events_page, live_sessions_page
from taskapi.auth.credentials.guards import LAST_ADMIN
from taskapi.auth.credentials.mailed_tokens import issue_token
from taskapi.auth.credentials.passwords import verify_password
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import AccessToken, AccountToken, AuthSession, SecurityEvent, SiteRole, TokenPurpose, User
from taskapi.users.accounts import delete_account
from tests.conftest import ADA_EMAIL, PASSWORD

NEW_PASSWORD = "a brand new passphrase"
PAGE = {"page": 1, "per_page": 20, "cursor": None}


@pytest.fixture
def ctx(app):
    """An app context on the test database, emptied after the test by ``make_app``."""
    with app.app_context():
        yield


def make_user(username, role=SiteRole.USER, email=None):
    user = credentials.create_user(username, PASSWORD, email, role)
    db.session.commit()
    return user


def events(kind):
    """The stored events of ``kind``, oldest first."""
    return db.session.scalars(select(SecurityEvent).where(SecurityEvent.type == kind).order_by(SecurityEvent.id)).all()


def live_sessions(user):
    return db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id,
                                                        AuthSession.revoked_at.is_(None))).all()


def test_admin_update_demotes_an_admin_while_another_remains_and_names_the_actor(ctx):
    root, other = make_user("root", SiteRole.ADMIN), make_user("other", SiteRole.ADMIN)
    credentials.admin_update(other, {"role": SiteRole.USER}, actor=root)
    db.session.commit()
    assert other.role == SiteRole.USER
    [changed] = events("role.changed")
    assert changed.user_id == other.id
    assert changed.details == {"old": "admin", "new": "user", "admin_id": root.id}


@pytest.mark.parametrize("changes", [{"role": SiteRole.USER}, {"is_active": False}])
def test_admin_update_refuses_to_leave_no_active_admin(ctx, changes):
    root = make_user("root", SiteRole.ADMIN)
    with pytest.raises(DomainError) as refused:
        credentials.admin_update(root, changes)
    assert (refused.value.status, refused.value.detail) == (409, LAST_ADMIN)
    assert (root.role, root.is_active) == (SiteRole.ADMIN, True)
    assert events("role.changed") == [] and events("account.disabled") == []


def test_admin_update_disabling_ends_every_session_at_once(ctx):
    ada = make_user("ada")
    sessions.start_session(ada)
    sessions.start_session(ada)
    db.session.commit()
    version = ada.token_version
    credentials.admin_update(ada, {"is_active": False})  # the CLI: no admin account named
    db.session.commit()
    assert ada.is_active is False and ada.token_version != version
    assert live_sessions(ada) == []
    [disabled] = events("account.disabled")
    assert disabled.details == {"admin_id": None}


def test_admin_update_changes_only_role_and_active_flag(ctx):
    ada = make_user("ada")
    with pytest.raises(ValueError, match="username"):
        credentials.admin_update(ada, {"username": "eve"})
    assert ada.username == "ada"


def test_change_password_ends_every_session_and_mailed_token_and_opens_a_new_session(ctx):
    ada = make_user("ada", email=ADA_EMAIL)
    sessions.start_session(ada)
    issue_token(ada, TokenPurpose.VERIFY_EMAIL, timedelta(hours=1))
    sessions.create_token(ada, "CI", ["tasks:read"], 30)
    db.session.commit()
    [old] = live_sessions(ada)
    pair = credentials.change_password(ada, NEW_PASSWORD)
    db.session.commit()
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert verify_password(NEW_PASSWORD, ada.password_hash) and not verify_password(PASSWORD, ada.password_hash)
    assert [session.family_id for session in live_sessions(ada)] != [old.family_id]
    assert len(live_sessions(ada)) == 1
    assert db.session.scalars(select(AccountToken).where(AccountToken.user_id == ada.id)).all() == []
    [changed] = events("password.changed")
    assert changed.details == {"access_tokens": ["CI"]}


def test_change_password_refuses_a_password_the_policy_refuses_as_a_field_error(ctx):
    ada = make_user("ada")
    with pytest.raises(DomainError) as refused:
        credentials.change_password(ada, "ada-password-1")
    assert refused.value.status == 422
    assert refused.value.members["errors"] == {"new_password": ["Password must not contain your username."]}
    assert refused.value.detail == "Invalid request. new_password: Password must not contain your username."
    assert verify_password(PASSWORD, ada.password_hash)


def test_reset_password_spends_the_token_verifies_the_address_and_revokes_access_tokens(ctx):
    ada = make_user("ada", email=ADA_EMAIL)
    sessions.create_token(ada, "CI", ["tasks:read"], 30)
    token = issue_token(ada, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    assert credentials.reset_password(token, NEW_PASSWORD) is ada
    db.session.commit()
    assert verify_password(NEW_PASSWORD, ada.password_hash) and ada.email_verified
    assert db.session.scalars(select(AccessToken)).all() == []
    assert len(events("password.reset")) == 1 and len(events("token.revoked")) == 1
    with pytest.raises(DomainError) as reused:
        credentials.reset_password(token, "yet another passphrase")
    assert reused.value.status == 400


def test_reset_password_with_a_weak_password_leaves_the_token_usable(ctx):
    ada = make_user("ada", email=ADA_EMAIL)
    token = issue_token(ada, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        credentials.reset_password(token, "short")
    assert refused.value.status == 422 and "new_password" in refused.value.members["errors"]
    db.session.rollback()
    credentials.reset_password(token, NEW_PASSWORD)
    assert verify_password(NEW_PASSWORD, ada.password_hash)


def test_request_verification_refuses_without_an_address_or_when_verified(ctx):
    nobody, ada = make_user("nobody"), make_user("ada", email=ADA_EMAIL)
    ada.email_verified = True
    for user, detail in ((nobody, mailed.verification.NO_ADDRESS), (ada, mailed.verification.ALREADY_VERIFIED)):
        with pytest.raises(DomainError) as refused:
            mailed.request_verification(user)
        assert (refused.value.status, refused.value.detail) == (409, detail)


def test_verify_email_marks_the_address_verified_once(ctx):
    ada = make_user("ada", email=ADA_EMAIL)
    token = issue_token(ada, TokenPurpose.VERIFY_EMAIL, timedelta(hours=1))
    db.session.commit()
    assert mailed.verify_email(token) is ada and ada.email_verified
    db.session.commit()
    with pytest.raises(DomainError) as reused:
        mailed.verify_email(token)
    assert reused.value.status == 400


def test_revoke_token_is_a_404_for_a_token_not_the_users_and_names_who_revoked(ctx):
    root, ada, bob = make_user("root", SiteRole.ADMIN), make_user("ada"), make_user("bob")
    document = sessions.create_token(ada, "CI", ["tasks:read"], 30)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        sessions.revoke_token(bob, document["id"])
    assert (refused.value.status, refused.value.detail) == (404, "Token not found")
    sessions.revoke_token(ada, document["id"], actor=root)
    [revoked] = events("token.revoked")
    assert revoked.details["by"] == "admin" and revoked.details["admin_id"] == root.id


def test_end_session_is_a_404_for_an_unknown_session(ctx):
    ada = make_user("ada")
    with pytest.raises(DomainError) as refused:
        sessions.end_session(ada, "no-such-session")
    assert (refused.value.status, refused.value.detail) == (404, "Session not found")
    assert events("session.revoked") == []


def test_listings_return_data_a_view_can_page_not_headers(ctx):
    ada = make_user("ada")
    sessions.start_session(ada)
    sessions.start_session(ada)
    db.session.commit()
    page = live_sessions_page(ada.id, {**PAGE, "per_page": 1})
    assert (page.total, page.page, page.per_page, len(page.rows)) == (2, 1, 1, 1)
    assert page.next_cursor and page.rows[0]["current"] is False
    assert not hasattr(page, "headers")
    logins = events_page({**PAGE, "type": "login.succeeded"}, user_id=ada.id)
    assert logins.total == 2 and all(isinstance(event, SecurityEvent) for event in logins.rows)


def test_delete_account_keeps_the_last_admin_and_deletes_anyone_else(ctx):
    root, ada = make_user("root", SiteRole.ADMIN), make_user("ada")
    with pytest.raises(DomainError) as refused:
        delete_account(root)
    assert refused.value.status == 409
    delete_account(ada, actor=root)
    db.session.commit()
    assert db.session.get(User, ada.id) is None
    [deleted] = events("account.deleted")
    assert deleted.details == {"by": "admin", "admin_id": root.id, "account_id": ada.id}
