"""Of two concurrent answers to one invitation exactly one wins, on SQLite and PostgreSQL."""

from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import ProjectMember
from tests.conftest import all_at_once


def test_two_concurrent_accepts_of_one_token(app, team, invite, mailed_token):
    invite(team["alice"].headers, team["project"], "bob@example.com")
    token = mailed_token("bob@example.com")
    clients = [app.test_client() for _ in range(2)]

    def accept(index):
        response = clients[index].post("/invitations/accept", json={"token": token}, headers=team["bob"].headers)
        return response.status_code

    statuses = sorted(all_at_once(2, accept))
    assert statuses == [200, 400], statuses
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ProjectMember).where(
            ProjectMember.user_id == team["bob"].id))
    assert count == 1


def test_accept_races_decline_and_revoke(app, team, invite):
    created = invite(team["alice"].headers, team["project"], "bob@example.com").get_json()
    clients = [app.test_client() for _ in range(3)]
    calls = [("post", f"/invitations/{created['id']}/accept", team["bob"]),
             ("post", f"/invitations/{created['id']}/decline", team["bob"]),
             ("delete", f"/projects/{team['project']}/invitations/{created['id']}", team["alice"])]

    def answer(index):
        method, url, who = calls[index]
        return getattr(clients[index], method)(url, headers=who.headers).status_code

    statuses = all_at_once(3, answer)
    winners = [status for status in statuses if status in (200, 204)]
    assert len(winners) == 1, statuses
    assert set(statuses) - {200, 204} <= {404, 409}
