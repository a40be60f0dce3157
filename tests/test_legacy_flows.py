"""Both legacy client flows, end to end through HTTP, as their clients run them."""

from datetime import timedelta

from tests.conftest import ADMIN_PASSWORD

PASSWORDS = {"alice": "lamp harbour mist", "bob": "granite otter waltz"}


def test_lesson_design_flow(make_app):
    app = make_app()
    client, runner = app.test_client(), app.test_cli_runner()

    assert client.post("/register", json={"username": "ada", "password": "analytical engine notes"}).status_code == 201
    response = client.post("/token", data={"username": "ada", "password": "analytical engine notes"})
    assert response.status_code == 200 and response.get_json()["token_type"] == "bearer"
    ada = {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    unauthenticated = client.get("/tasks")
    assert unauthenticated.status_code == 401
    assert unauthenticated.get_json()["detail"] == "Not authenticated"
    assert client.get("/tasks", headers=ada).get_json() == []

    created = client.post("/tasks", json={"title": "Write tests"}, headers=ada)
    assert created.status_code == 201
    task = created.get_json()
    assert task["title"] == "Write tests" and task["owner"] == "ada" and isinstance(task["id"], int)
    assert [t["id"] for t in client.get("/tasks", headers=ada).get_json()] == [task["id"]]

    assert client.delete(f"/tasks/{task['id']}", headers=ada).status_code == 403

    result = runner.invoke(args=["users", "create-admin", "root"], input=ADMIN_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    admin_token = client.post("/token", data={"username": "root", "password": ADMIN_PASSWORD}).get_json()
    admin = {"Authorization": f"Bearer {admin_token['access_token']}"}
    assert client.delete(f"/tasks/{task['id']}", headers=admin).status_code == 204
    assert client.get("/tasks", headers=ada).get_json() == []

    expiring = make_app(JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=-1)).test_client()
    stale = expiring.post("/token", data={"username": "ada", "password": "analytical engine notes"}).get_json()
    expired = client.get("/tasks", headers={"Authorization": f"Bearer {stale['access_token']}"})
    assert expired.status_code == 401
    assert expired.get_json()["detail"] == "Could not validate credentials"
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_blog_design_flow(client):
    for name in ("alice", "bob"):
        response = client.post("/auth/register", json={"username": name, "email": f"{name}@example.com",
                                                       "password": PASSWORDS[name]})
        assert response.status_code == 201 and response.get_json()["email"] == f"{name}@example.com"

    def login(name):
        response = client.post("/auth/login", json={"username": name, "password": PASSWORDS[name]})
        assert response.status_code == 200
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    alice, bob = login("alice"), login("bob")
    alice_task = client.post("/tasks/", json={"title": "alice's task", "description": "mine"}, headers=alice)
    bob_task = client.post("/tasks/", json={"title": "bob's task"}, headers=bob)
    assert alice_task.status_code == bob_task.status_code == 201

    assert [t["title"] for t in client.get("/tasks/", headers=alice).get_json()] == ["alice's task"]
    assert [t["title"] for t in client.get("/tasks/", headers=bob).get_json()] == ["bob's task"]

    url = f"/tasks/{alice_task.get_json()['id']}"
    assert client.get(url, headers=bob).status_code == 404
    assert client.patch(url, json={"title": "bob was here"}, headers=bob).status_code == 404
    assert client.put(url, json={"title": "bob was here"}, headers=bob).status_code == 404
    assert client.get(url, headers=alice).get_json()["title"] == "alice's task"
