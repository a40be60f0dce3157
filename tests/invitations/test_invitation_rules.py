"""What acceptance demands: the inviter still an admin, a live project, a pending, unexpired, newest
invitation, and the accepting account's verified address; every refused token answers alike."""

from sqlalchemy import delete, update

from taskapi.extensions import db
from taskapi.models import Project, ProjectInvitation, ProjectMember, User
from tests.conftest import PASSWORD

UNKNOWN = "A" * 43


def accept(client, token, who):
    return client.post("/invitations/accept", json={"token": token}, headers=who.headers)


def refused_like_unknown(client, token, who):
    """The answer for ``token`` equals the one for a token nobody was given (status and body)."""
    response, unknown = accept(client, token, who), accept(client, UNKNOWN, who)
    assert response.status_code == unknown.status_code == 400, response.get_json()
    assert response.get_json() == unknown.get_json()
    return True


def test_a_used_token_is_refused_like_an_unknown_one(client, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    assert accept(client, token, team["bob"]).status_code == 200
    assert refused_like_unknown(client, token, team["bob"])


def test_a_token_presented_by_another_account_is_refused_and_stays_usable(client, team, invite, mailed_token,
                                                                           person):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    mallory = person("mallory", "mallory@example.com")
    assert refused_like_unknown(client, token, mallory)
    assert refused_like_unknown(client, token, team["victor"])  # a member, too
    assert accept(client, token, team["bob"]).status_code == 200


def test_an_expired_invitation_is_refused_and_listed_nowhere(app, client, team, invite, mailed_token):
    app.config["PROJECT_INVITATION_TTL"] = 0
    created = invite(team["alice"].headers, team["project"], "bob@example.com").get_json()
    token = mailed_token("bob@example.com")
    assert refused_like_unknown(client, token, team["bob"])
    assert client.post(f"/invitations/{created['id']}/accept", headers=team["bob"].headers).status_code == 404
    assert client.get("/invitations", headers=team["bob"].headers).get_json() == []
    assert client.get(f"/projects/{team['project']}/invitations", headers=team["alice"].headers).get_json() == []


def test_a_newer_invitation_supersedes_the_older_one(client, team, invite, mailed_token):
    first = invite(team["alice"].headers, team["project"], "bob@example.com", "admin").get_json()
    old_token = mailed_token("bob@example.com")
    second = invite(team["alice"].headers, team["project"], "BOB@example.COM", "viewer").get_json()
    new_token = mailed_token("bob@example.com")
    assert old_token != new_token
    assert refused_like_unknown(client, old_token, team["bob"])
    assert client.post(f"/invitations/{first['id']}/accept", headers=team["bob"].headers).status_code == 404
    listed = client.get(f"/projects/{team['project']}/invitations", headers=team["alice"].headers).get_json()
    assert [item["id"] for item in listed] == [second["id"]]
    assert accept(client, new_token, team["bob"]).get_json()["role"] == "viewer"


def test_superseded_even_when_the_older_one_was_left_pending(app, client, team, invite, mailed_token):
    """Two invitations created at once can both stay pending: only the newest is usable."""
    invite(team["alice"].headers, team["project"], "bob@example.com", "admin")
    old_token = mailed_token("bob@example.com")
    invite(team["alice"].headers, team["project"], "bob@example.com", "viewer")
    with app.app_context():  # as if the second request had not seen the first one
        db.session.execute(update(ProjectInvitation).values(status="pending"))
        db.session.commit()
    assert refused_like_unknown(client, old_token, team["bob"])


def test_the_inviter_must_still_be_an_admin(app, client, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    with app.app_context():
        db.session.execute(update(ProjectMember).where(ProjectMember.user_id == team["alice"].id).values(
            role="editor"))
        db.session.commit()
    assert refused_like_unknown(client, token, team["bob"])
    assert client.get("/invitations", headers=team["bob"].headers).get_json() == []


def test_the_inviter_must_still_be_an_active_account(app, client, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    with app.app_context():
        db.session.execute(update(User).where(User.id == team["alice"].id).values(is_active=False))
        db.session.commit()
    assert refused_like_unknown(client, token, team["bob"])


def test_a_deleted_inviter_voids_the_invitation(client, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    assert client.delete("/users/me", json={"current_password": PASSWORD},
                         headers=team["alice"].headers).status_code == 204
    assert refused_like_unknown(client, token, team["bob"])


def test_a_deleted_project_voids_the_invitation(app, client, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    with app.app_context():
        db.session.execute(delete(Project).where(Project.id == team["project"]))
        db.session.commit()
    assert refused_like_unknown(client, token, team["bob"])


def test_an_address_verified_later_by_someone_else_does_not_match(client, team, invite, mailed_token, person):
    """The invitee must hold the address *verified*: an unverified sign-up with it is refused like anyone."""
    invite(team["alice"].headers, team["project"], "newcomer@example.com")
    token = mailed_token("newcomer@example.com")
    squatter = person("squatter", "newcomer@example.com", verified=False)
    assert refused_like_unknown(client, token, squatter)


def test_an_invitee_who_signs_up_and_verifies_can_accept(client, team, invite, mailed_token, person):
    invite(team["alice"].headers, team["project"], "Newcomer@Example.com", "viewer")
    token = mailed_token("newcomer@example.com")
    newcomer = person("newcomer", "NEWCOMER@example.com")
    assert accept(client, token, newcomer).status_code == 200


def test_already_a_member_is_a_clear_409_and_the_invitation_stays(client, team, invite, mailed_token):
    created = invite(team["alice"].headers, team["project"], "victor@example.com", "admin").get_json()
    token = mailed_token("victor@example.com")
    response = accept(client, token, team["victor"])
    assert response.status_code == 409
    assert "already a member" in response.get_json()["detail"]
    assert client.post(f"/invitations/{created['id']}/decline", headers=team["victor"].headers).status_code == 204


def test_by_id_someone_elses_invitation_is_not_there(client, team, invite):
    created = invite(team["alice"].headers, team["project"], "bob@example.com").get_json()
    for action in ("accept", "decline"):
        theirs = client.post(f"/invitations/{created['id']}/{action}", headers=team["ed"].headers)
        missing = client.post(f"/invitations/999999/{action}", headers=team["ed"].headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.get_json() == missing.get_json()
    assert client.post(f"/invitations/{created['id']}/accept", headers=team["bob"].headers).status_code == 200
