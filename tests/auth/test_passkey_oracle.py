"""No account oracle in the passkey ceremonies (issue 31, class 4).

Options are bound to the name typed whether or not anybody has it; a credential of another
account never completes a ceremony started for a name; the options for a name with passkeys,
without, or unknown have the same shape and sizes, and stay the same for the same name.
"""

import base64

from tests.auth.passkey_helpers import add_passkey, login_options
from tests.auth.webauthn_authenticator import SoftAuthenticator


def id_length(descriptor):
    return len(base64.urlsafe_b64decode(descriptor["id"] + "=" * (-len(descriptor["id"]) % 4)))


def shape(options):
    """Everything in the options but the random challenge and the ids' bytes: counts, members, lengths."""
    return ({key: value for key, value in options.items() if key not in ("challenge", "allowCredentials")},
            [(sorted(item), item["type"], item.get("transports")) for item in options["allowCredentials"]],
            len(options["challenge"]))


def test_signing_the_options_of_any_name_with_my_own_passkey_answers_the_same(client, auth, user_headers):
    add_passkey(client, user_headers)  # ada, a real account with a passkey
    auth.register("bob")  # a real account without one
    attacker = auth.headers("mallory")
    mine, _ = add_passkey(client, attacker)
    answers = {}
    for name in ("ada", "bob", "nobody-by-this-name"):
        options = login_options(client, name)
        response = client.post("/auth/passkeys/login", json={"credential": mine.get(options)})
        answers[name] = (response.status_code, response.get_json())
    assert answers["ada"] == answers["bob"] == answers["nobody-by-this-name"]
    assert answers["ada"][0] == 401


def test_a_credential_unknown_to_the_server_answers_the_same_for_every_name(client, auth, user_headers):
    add_passkey(client, user_headers)
    stranger = SoftAuthenticator()
    statuses = {name: client.post("/auth/passkeys/login", json={"credential": stranger.get(
        login_options(client, name))}).status_code for name in ("ada", "nobody-by-this-name")}
    assert statuses == {"ada": 401, "nobody-by-this-name": 401}


def test_my_own_passkey_still_signs_in_for_my_own_name_and_without_a_name(client, user_headers):
    mine, _ = add_passkey(client, user_headers)
    for name in ("ada", "ADA", None):
        options = login_options(client, name)
        assert client.post("/auth/passkeys/login", json={"credential": mine.get(options)}).status_code == 200


def test_options_have_the_same_shape_and_sizes_for_every_kind_of_name(client, auth, user_headers):
    add_passkey(client, user_headers)
    auth.register("bob")
    shapes = {name: shape(login_options(client, name)) for name in ("ada", "bob", "nobody-by-this-name")}
    assert shapes["ada"] == shapes["bob"] == shapes["nobody-by-this-name"]
    for name in ("ada", "bob", "nobody-by-this-name"):
        assert all(id_length(item) in (16, 32, 64) for item in login_options(client, name)["allowCredentials"])


def test_stand_ins_are_stable_per_name_and_differ_between_names(client, auth):
    auth.register("bob")
    for name in ("bob", "nobody-by-this-name"):
        first = login_options(client, name)["allowCredentials"]
        assert login_options(client, name)["allowCredentials"] == first
        assert len({item["id"] for item in first}) == len(first)
    assert login_options(client, "bob")["allowCredentials"] != login_options(client, "bobx")["allowCredentials"]


def test_the_real_credentials_keep_their_place_among_stand_ins(client, user_headers):
    first, _ = add_passkey(client, user_headers)
    before = login_options(client, "ada")["allowCredentials"]
    second, _ = add_passkey(client, user_headers, name="Phone")
    after = login_options(client, "ada")["allowCredentials"]
    assert [item["id"] for item in after][:2] == [first.id, second.id]
    assert len(after) == len(before) == 4 and after[2:] == before[2:]
