"""Profile GET /tasks?per_page=50 in-process with pyinstrument: ``python -m bench.profile_list``.

Prints where the time goes per request (JWT verification, database, serialisation, Flask).
"""

from pyinstrument import Profiler

from bench.inprocess import seeded_client

REQUESTS = 500


def main():
    with seeded_client() as (client, headers):
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REQUESTS):
            assert client.get("/tasks?per_page=50", headers=headers).status_code == 200
        profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
