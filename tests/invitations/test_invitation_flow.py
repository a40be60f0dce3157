"""Inviting, listing, accepting, declining and revoking, through HTTP."""

from taskapi.extensions import db
from taskapi.models import ProjectMember
from tests.smtp import token_in

CREATED_FIELDS = {"id", "email", "role", "expires_at", "status"}


def test_an_admin_invites_and_the_verified_invitee_accepts_with_the_mailed_token(
        client, team, invite, mailed_token, app):
    alice, bob = team["alice"], team["bob"]
    response = invite(alice.headers, team["project"], "Bob@Example.com", "editor")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert CREATED_FIELDS <= body.keys()
    assert (body["email"], body["role"], body["status"]) == ("bob@example.com", "editor", "pending")
    token = mailed_token("bob@example.com")
    assert token not in response.get_data(as_text=True)

    listed = client.get(f"/projects/{team['project']}/invitations", headers=alice.headers)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.get_json()] == [body["id"]]
    assert listed.headers["X-Total-Count"] == "1" and "rel=\"first\"" in listed.headers["Link"]
    assert token not in listed.get_data(as_text=True)

    mine = client.get("/invitations", headers=bob.headers).get_json()
    assert [(item["id"], item["project_name"], item["inviter"]) for item in mine] == [(body["id"], "Apollo", "alice")]

    accepted = client.post("/invitations/accept", json={"token": token}, headers=bob.headers)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["role"] == "editor" and accepted.get_json()["user_id"] == bob.id
    with app.app_context():
        member = db.session.scalar(db.select(ProjectMember).filter_by(project_id=team["project"], user_id=bob.id))
        assert member.role == "editor"
    assert client.get("/invitations", headers=bob.headers).get_json() == []
    assert client.get(f"/projects/{team['project']}/invitations", headers=alice.headers).get_json() == []


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(team, invite, smtp_server):
    known = invite(team["alice"].headers, team["project"], "bob@example.com").get_json()
    unknown = invite(team["alice"].headers, team["project"], "nobody@example.com").get_json()
    assert known.keys() == unknown.keys()
    assert {key: known[key] for key in ("role", "status")} == {key: unknown[key] for key in ("role", "status")}
    assert token_in(smtp_server.inbox.last_for("nobody@example.com"))  # a mail goes out either way


def test_accept_and_decline_by_id(client, team, person, invite, make_project):
    carol = person("carol", "carol@example.com")
    first = invite(team["alice"].headers, team["project"], "carol@example.com", "viewer").get_json()
    other = make_project({team["alice"].id: "admin"}, name="Gemini")
    second = invite(team["alice"].headers, other, "carol@example.com", "admin").get_json()

    declined = client.post(f"/invitations/{first['id']}/decline", headers=carol.headers)
    assert declined.status_code == 204
    accepted = client.post(f"/invitations/{second['id']}/accept", headers=carol.headers)
    assert accepted.status_code == 200 and accepted.get_json()["role"] == "admin"
    assert accepted.get_json()["project_id"] == other
    again = client.post(f"/invitations/{first['id']}/accept", headers=carol.headers)
    assert again.status_code == 404


def test_revoking_kills_the_token_and_a_second_revoke_conflicts(client, team, invite, mailed_token):
    alice = team["alice"]
    created = invite(alice.headers, team["project"], "bob@example.com").get_json()
    token = mailed_token("bob@example.com")
    url = f"/projects/{team['project']}/invitations/{created['id']}"
    assert client.delete(url, headers=alice.headers).status_code == 204
    refused = client.post("/invitations/accept", json={"token": token}, headers=team["bob"].headers)
    unknown = client.post("/invitations/accept", json={"token": "x" * 43}, headers=team["bob"].headers)
    assert refused.status_code == unknown.status_code == 400
    assert refused.get_json() == unknown.get_json()
    assert client.delete(url, headers=alice.headers).status_code == 409


def test_an_invitation_of_another_project_is_not_there(client, team, invite, make_project):
    alice = team["alice"]
    other = make_project({alice.id: "admin"}, name="Gemini")
    created = invite(alice.headers, other, "bob@example.com").get_json()
    response = client.delete(f"/projects/{team['project']}/invitations/{created['id']}", headers=alice.headers)
    assert response.status_code == 404


def test_a_site_admin_who_is_not_a_member_may_invite(team, invite, auth):
    root = auth.create_admin("root")
    assert invite(root, team["project"], "bob@example.com").status_code == 201
