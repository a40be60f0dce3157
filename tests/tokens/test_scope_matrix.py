"""Scopes, from /openapi.json: every operation declares one (or INTERACTIVE), and a token is held to it.

A personal access token without an operation's scope gets 403 with an RFC 6750 ``insufficient_scope``
challenge naming the scope; an interactive-only operation refuses a token holding every scope; a
token with the scope gets past authorisation (whatever the answer after it, never 401 or that 403).
"""

import pytest

from taskapi.http.scopes import INTERACTIVE, SCOPE_EXTENSION, Scope
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.operations import SPEC, operations, params
from tests.project_world import project_world

SECURED = operations(secured=True)
PUBLIC = operations(secured=False)
DECLARED = {(method.upper(), path): operation.get(SCOPE_EXTENSION)
            for path, item in SPEC["paths"].items() for method, operation in item.items() if method != "parameters"}
# Secured by a session's refresh token, not by bp.protected(): an access token there is refused with 401.
TAKES_REFRESH_TOKEN = {("POST", "/auth/refresh")}
TOKEN_CHECKED = [op for op in SECURED if (op.method, op.path) not in TAKES_REFRESH_TOKEN]
MUST_BE_INTERACTIVE = {
    "POST /auth/tokens", "DELETE /auth/tokens/{token_id}", "POST /auth/password", "POST /auth/2fa/setup",
    "POST /auth/2fa/enable", "POST /auth/2fa/disable", "POST /auth/passkeys/register/options",
    "POST /auth/passkeys/register", "PATCH /auth/passkeys/{passkey_id}", "DELETE /auth/passkeys/{passkey_id}",
    "DELETE /auth/sessions/{session_id}", "POST /auth/logout-others", "POST /auth/logout", "POST /auth/logout-all",
    "DELETE /users/me", "PATCH /users/me", "POST /auth/verify-email/request",
}
ALL_SCOPES = [scope.value for scope in Scope]
# Documented "Admin privileges required" for everyone else, but project admins pass too: tasks:write.
PROJECT_ADMINS_TOO = {"DELETE /tasks/{task_id}": Scope.TASKS_WRITE}


def declared(operation):
    return DECLARED[(operation.method, operation.path)]


@pytest.mark.parametrize("operation", params(SECURED))
def test_every_secured_operation_declares_a_scope_or_interactive(operation):
    assert declared(operation) in {*ALL_SCOPES, INTERACTIVE}, f"{operation} declares no x-token-scope"
    if operation.admin_only:
        assert declared(operation) == PROJECT_ADMINS_TOO.get(str(operation), Scope.ADMIN)


def test_public_operations_declare_no_scope_and_credentials_are_interactive():
    assert [str(op) for op in PUBLIC if declared(op) is not None] == []
    assert {str(op) for op in SECURED if declared(op) == INTERACTIVE} >= MUST_BE_INTERACTIVE
    assert MUST_BE_INTERACTIVE <= {str(op) for op in SECURED}, "an operation of the list is gone from the spec"


@pytest.fixture
def world(client, auth, admin_headers, create_task, make_token):
    """ada (with a task, a passkey and a token) and an admin; ``tokens(owner, scopes)`` mints tokens."""
    ada = auth.headers("ada")
    task = create_task(ada)
    ada_id = client.get("/auth/me", headers=ada).get_json()["id"]
    _, passkey = add_passkey(client, ada)
    token = make_token(ada, ["tasks:read"])
    headers = {"ada": (ada, PASSWORD), "admin": (admin_headers, ADMIN_PASSWORD)}

    def tokens(owner, scopes):
        owner_headers, password = headers[owner]
        return {"Authorization": f"Bearer {make_token(owner_headers, scopes, password=password)['token']}"}

    return {"tokens": tokens, "ids": {"task_id": task["id"], "user_id": ada_id, "passkey_id": passkey["id"],
                                      "token_id": token["id"], "session_id": "x", **project_world(client, ada)}}


def open_operation(client, operation, ids, headers):
    body = {"json": {}} if operation.body == "json" else {}
    return client.open(operation.url(ids), method=operation.method, headers=headers, **body)


def is_scope_refusal(response, needed):
    challenge = response.headers.get("WWW-Authenticate", "")
    return (response.status_code == 403 and challenge.startswith('Bearer error="insufficient_scope"')
            and (needed == INTERACTIVE or f'scope="{needed}"' in challenge))


@pytest.mark.parametrize("operation", params(TOKEN_CHECKED))
def test_a_token_without_the_scope_is_403_insufficient_scope(client, world, operation):
    needed = declared(operation)
    owner = "admin" if operation.admin_only else "ada"
    allowed = ALL_SCOPES if owner == "admin" else [scope for scope in ALL_SCOPES if scope != Scope.ADMIN]
    lacking = [scope for scope in allowed if scope != needed]
    response = open_operation(client, operation, world["ids"], world["tokens"](owner, lacking))
    assert is_scope_refusal(response, needed), (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("operation", params([op for op in TOKEN_CHECKED if declared(op) != INTERACTIVE]))
def test_a_token_with_the_scope_gets_past_authorisation(client, world, operation):
    needed = declared(operation)
    owner = "admin" if operation.admin_only else "ada"
    # a site admin's powers need the admin scope beside the operation's own
    scopes = [needed, Scope.ADMIN.value] if str(operation) in PROJECT_ADMINS_TOO else [needed]
    response = open_operation(client, operation, world["ids"], world["tokens"](owner, scopes))
    assert response.status_code not in (401, 403), (response.status_code, response.get_data(as_text=True)[:300])


@pytest.mark.parametrize("operation", params([op for op in TOKEN_CHECKED if op.admin_only]))
def test_a_non_admins_token_never_reaches_an_admin_operation(client, world, operation):
    response = open_operation(client, operation, world["ids"], world["tokens"]("ada", ALL_SCOPES[:-1]))
    assert response.status_code == 403
