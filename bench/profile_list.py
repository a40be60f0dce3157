"""Profile GET /tasks?per_page=50 in-process with pyinstrument: ``python -m bench.profile_list``.

Prints where the time goes per request (JWT verification, database, serialisation, Flask).
"""

import tempfile

from pyinstrument import Profiler

from config import TestConfig
from taskapi import create_app

REQUESTS = 500


def main():
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        settings = type("Profile", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/p.sqlite",
                                                   "LOG_LEVEL": "WARNING"})
        app = create_app(settings)
        with app.app_context():
            upgrade()
        client = app.test_client()
        client.post("/auth/register", json={"username": "profiled", "password": "tulip harbor quiet lantern"})
        token = client.post("/auth/login", json={"username": "profiled",
                                                 "password": "tulip harbor quiet lantern"}).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for number in range(50):
            client.post("/tasks", json={"title": f"task {number}", "description": "some words"}, headers=headers)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REQUESTS):
            assert client.get("/tasks?per_page=50", headers=headers).status_code == 200
        profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
