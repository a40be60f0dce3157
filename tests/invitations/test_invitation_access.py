"""Who may manage a project's invitations: 401, then 404 for a non-member, 403 below admin, then validation."""

import pytest

ROUTES = [("get", "/projects/{p}/invitations"), ("post", "/projects/{p}/invitations"),
          ("delete", "/projects/{p}/invitations/{i}")]


def call(client, method, template, project_id, invitation_id, headers, body):
    url = template.format(p=project_id, i=invitation_id)
    return getattr(client, method)(url, json=body if method == "post" else None, headers=headers)


@pytest.mark.parametrize(("method", "template"), ROUTES)
def test_anonymous_non_member_and_lower_roles(client, team, invite, method, template):
    created = invite(team["alice"].headers, team["project"], "someone@example.com").get_json()
    bad_body = {"email": "not an address", "role": "owner"}  # validation comes last
    expect = {None: 401, "bob": 404, "victor": 403, "ed": 403}
    for who, status in expect.items():
        headers = team[who].headers if who else {}
        response = call(client, method, template, team["project"], created["id"], headers, bad_body)
        assert response.status_code == status, (who, response.get_json())
        assert response.headers["Content-Type"] == "application/problem+json"
    missing = call(client, method, template, 999999, created["id"], team["bob"].headers, bad_body)
    non_member = call(client, method, template, team["project"], created["id"], team["bob"].headers, bad_body)
    assert missing.get_json() == non_member.get_json()


@pytest.mark.parametrize("body", [
    {"email": "bob@example.com", "role": "owner"},
    {"email": "bob@example.com", "role": "ADMIN"},
    {"email": "not an address", "role": "viewer"},
    {"email": "bob@example.com"},
    {"role": "viewer"},
    {"email": ["bob@example.com"], "role": "viewer"},
    {"email": "bob@example.com", "role": "viewer", "extra": 1},
])
def test_bad_bodies_are_422(client, team, body):
    response = client.post(f"/projects/{team['project']}/invitations", json=body, headers=team["alice"].headers)
    assert response.status_code == 422, response.get_json()


def test_the_invitee_routes_need_a_verified_address(client, team, person, invite, mailed_token):
    created = invite(team["alice"].headers, team["project"], "una@example.com").get_json()
    token = mailed_token("una@example.com")
    una = person("una", "una@example.com", verified=False)
    assert client.get("/invitations", headers=una.headers).get_json() == []
    mine = client.post("/invitations/accept", json={"token": token}, headers=una.headers)
    unknown = client.post("/invitations/accept", json={"token": "x" * 43}, headers=una.headers)
    assert mine.status_code == unknown.status_code == 400  # the one answer for every refused token
    assert mine.get_json() == unknown.get_json() and "verified" in mine.get_json()["detail"]
    for action in ("accept", "decline"):  # by id, nothing is addressed to an unverified account
        theirs = client.post(f"/invitations/{created['id']}/{action}", headers=una.headers)
        missing = client.post(f"/invitations/999999/{action}", headers=una.headers)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.get_json() == missing.get_json()
    for url in ("/invitations", "/invitations/accept", "/invitations/1/accept", "/invitations/1/decline"):
        assert getattr(client, "get" if url == "/invitations" else "post")(url).status_code == 401
