"""ETags, If-None-Match (304) and If-Match (412): two clients never overwrite each other silently."""

import threading


def test_task_responses_carry_a_strong_etag(client, user_headers):
    created = client.post("/tasks", json={"title": "tagged"}, headers=user_headers)
    etag = created.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    fetched = client.get(f"/tasks/{created.get_json()['id']}", headers=user_headers)
    assert fetched.headers["ETag"] == etag


def test_if_none_match_gives_304_until_the_task_changes(client, user_headers, create_task):
    task = create_task(user_headers)
    url = f"/tasks/{task['id']}"
    etag = client.get(url, headers=user_headers).headers["ETag"]
    not_modified = client.get(url, headers={**user_headers, "If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["ETag"] == etag
    assert not_modified.get_data() == b""
    client.patch(url, json={"completed": True}, headers=user_headers)
    assert client.get(url, headers={**user_headers, "If-None-Match": etag}).status_code == 200


def test_stale_if_match_is_412_and_changes_nothing(client, user_headers, create_task):
    task = create_task(user_headers, "original")
    url = f"/tasks/{task['id']}"
    etag = client.get(url, headers=user_headers).headers["ETag"]
    first = client.patch(url, json={"title": "first writer"}, headers={**user_headers, "If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    for method in ("PATCH", "PUT"):
        second = client.open(url, method=method, json={"title": "second writer"},
                             headers={**user_headers, "If-Match": etag})
        assert second.status_code == 412
        assert second.mimetype == "application/problem+json"
    assert client.get(url, headers=user_headers).get_json()["title"] == "first writer"


def test_current_if_match_and_star_succeed(client, user_headers, create_task):
    task = create_task(user_headers)
    url = f"/tasks/{task['id']}"
    etag = client.get(url, headers=user_headers).headers["ETag"]
    assert client.put(url, json={"title": "ok"}, headers={**user_headers, "If-Match": etag}).status_code == 200
    assert client.patch(url, json={"title": "any"}, headers={**user_headers, "If-Match": "*"}).status_code == 200


def test_without_if_match_writes_go_ahead(client, user_headers, create_task):
    task = create_task(user_headers)
    url = f"/tasks/{task['id']}"
    assert client.patch(url, json={"title": "legacy client"}, headers=user_headers).status_code == 200


def test_delete_honours_if_match(client, user_headers, admin_headers, create_task):
    task = create_task(user_headers)
    url = f"/tasks/{task['id']}"
    etag = client.get(url, headers=user_headers).headers["ETag"]
    client.patch(url, json={"title": "changed"}, headers=user_headers)
    assert client.delete(url, headers={**admin_headers, "If-Match": etag}).status_code == 412
    fresh = client.get(url, headers=user_headers).headers["ETag"]
    assert client.delete(url, headers={**admin_headers, "If-Match": fresh}).status_code == 204


def test_racing_writers_with_the_same_if_match_one_wins(app, user_headers, create_task):
    task = create_task(user_headers)
    url = f"/tasks/{task['id']}"
    etag = app.test_client().get(url, headers=user_headers).headers["ETag"]
    barrier = threading.Barrier(6)
    results = []

    def write(number):
        client = app.test_client()
        barrier.wait()
        response = client.patch(url, json={"title": f"writer {number}"}, headers={**user_headers, "If-Match": etag})
        results.append((response.status_code, number))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * 5
    winner = next(number for status, number in results if status == 200)
    assert app.test_client().get(url, headers=user_headers).get_json()["title"] == f"writer {winner}"
