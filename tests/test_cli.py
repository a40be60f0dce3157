"""flask users create-admin."""

from tests.conftest import ADMIN_PASSWORD


def test_create_admin_from_stdin_can_log_in_as_admin(runner, client):
    result = runner.invoke(args=["users", "create-admin", "root", "--email", "root@example.com"],
                           input=ADMIN_PASSWORD + "\n")
    assert result.exit_code == 0
    assert "Created admin 'root'" in result.output
    assert ADMIN_PASSWORD not in result.output
    token = client.post("/auth/login", json={"username": "root", "password": ADMIN_PASSWORD}).get_json()
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).get_json()
    assert me["role"] == "admin" and me["email"] == "root@example.com"


def test_create_admin_refuses_a_taken_name(runner, auth):
    auth.register("root")
    result = runner.invoke(args=["users", "create-admin", "ROOT"], input=ADMIN_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "Username already registered" in result.output


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create-admin", "root"], input="short\n")
    assert result.exit_code == 1
    assert "password" in result.output and "short" not in result.output.replace("at least", "")
