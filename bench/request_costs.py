"""CPU milliseconds per request, in-process (no network, no gunicorn): ``python -m bench.request_costs``.

Steadier than wrk on a shared machine, so it is the figure to compare before and after a change
to the request path. Prints /healthz (the framework's floor), GET /tasks?per_page=50 and POST /tasks.
"""

import time

from bench.inprocess import seeded_client

REQUESTS = 500


def cpu_ms_per_request(send, count=REQUESTS):
    """Process CPU time per call of ``send``, averaged over ``count`` calls."""
    started = time.process_time()
    for number in range(count):
        send(number)
    return (time.process_time() - started) * 1000 / count


def main():
    with seeded_client() as (client, headers):
        def ok(response, status):
            assert response.status_code == status, response.get_json()

        costs = {
            "GET /healthz": lambda n: ok(client.get("/healthz"), 200),
            "GET /tasks?per_page=50": lambda n: ok(client.get("/tasks?per_page=50", headers=headers), 200),
            "POST /tasks": lambda n: ok(client.post("/tasks", json={"title": f"new {n}", "priority": "high"},
                                                    headers=headers), 201),
        }
        for name, send in costs.items():
            print(f"{name:<24} {cpu_ms_per_request(send):6.2f} ms CPU per request")


if __name__ == "__main__":
    main()
