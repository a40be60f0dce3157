"""Each change announces one project event, never carrying the token."""

import json

import pytest

from taskapi.signals import project_event


@pytest.fixture
def announced():
    """Every project event sent during the test: (project id, type, actor id, subject id, data)."""
    events = []

    def receive(project_id, **event):
        events.append((project_id, str(event["type"]), event["actor_id"], event["subject_id"], event["data"]))

    project_event.connect(receive)
    yield events
    project_event.disconnect(receive)


def test_created_accepted_declined_revoked(client, team, invite, mailed_token, announced, person):
    alice, bob, project = team["alice"], team["bob"], team["project"]
    announced.clear()
    invite(alice.headers, project, "bob@example.com", "viewer")
    token = mailed_token("bob@example.com")
    stranger = invite(alice.headers, project, "stranger@example.com").get_json()
    client.delete(f"/projects/{project}/invitations/{stranger['id']}", headers=alice.headers)
    assert client.post("/invitations/accept", json={"token": token}, headers=bob.headers).status_code == 200
    carol = person("carol", "carol@example.com")
    third = invite(alice.headers, project, "carol@example.com").get_json()
    client.post(f"/invitations/{third['id']}/decline", headers=carol.headers)

    summary = [(kind, actor, subject) for _, kind, actor, subject, _ in announced]
    assert summary == [
        ("invitation.created", alice.id, bob.id),
        ("invitation.created", alice.id, None),  # nobody has this address
        ("invitation.revoked", alice.id, None),
        ("invitation.accepted", bob.id, bob.id),
        ("member.added", alice.id, bob.id),
        ("invitation.created", alice.id, carol.id),
        ("invitation.declined", carol.id, carol.id),
    ]
    assert all(project_id == project for project_id, *_ in announced)
    assert token not in json.dumps([data for *_, data in announced])
    assert all("token" not in key for *_, data in announced for key in data)


def test_a_refused_accept_announces_nothing(client, team, invite, announced):
    created = invite(team["alice"].headers, team["project"], "victor@example.com").get_json()
    announced.clear()
    assert client.post(f"/invitations/{created['id']}/accept", headers=team["victor"].headers).status_code == 409
    assert client.post("/invitations/accept", json={"token": "nope"}, headers=team["bob"].headers).status_code == 400
    assert announced == []
