"""The last admin of a project survives races: two admins demote, remove or leave at the same moment."""

import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import ProjectMember
from tests.conftest import all_at_once

ROUNDS = 8


def admins_of(app, project_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.role == "admin"))


def each_other(method, body=None):
    """Each admin acts on the other one."""
    return lambda client, url, actor, other: client.open(f"{url}/{other['id']}", method=method, json=body,
                                                          headers=actor["headers"])


def themselves(client, url, actor, other):
    return client.delete(f"{url}/{actor['id']}", headers=actor["headers"])


KINDS = {"demote each other": each_other("PATCH", {"role": "editor"}), "remove each other": each_other("DELETE"),
         "both leave": themselves}


@pytest.mark.parametrize("kind", list(KINDS))
def test_two_admins_racing_leave_exactly_one_admin(app, client, people, project, join, kind):
    act = KINDS[kind]
    url = f"/projects/{project['id']}/members"
    ada = {"headers": people["ada"], "id": client.get("/auth/me", headers=people["ada"]).get_json()["id"]}
    dan = {"headers": people["dan"], "id": join(project["id"], "dan", "admin")}
    clients = [app.test_client(), app.test_client()]
    for _ in range(ROUNDS):
        statuses = all_at_once(2, lambda index: act(clients[index], url, *((ada, dan), (dan, ada))[index]).status_code)
        # the loser: 409 (last admin), 403 (demoted first) or 404 (removed before they asked)
        assert sorted(statuses)[0] in (200, 204) and sorted(statuses)[1] in (403, 404, 409), statuses
        assert admins_of(app, project["id"]) == 1
        for name, account in (("ada", ada), ("dan", dan)):
            make_admin_again(app, project["id"], name, account["id"], join)


def make_admin_again(app, project_id, username, user_id, join):
    """Make the user an admin of the project again (re-adding them if the round removed them)."""
    with app.app_context():
        member = db.session.scalar(select(ProjectMember).where(ProjectMember.project_id == project_id,
                                                               ProjectMember.user_id == user_id))
        if member is not None:
            member.role = "admin"
        db.session.commit()
    if member is None:
        join(project_id, username, "admin")
