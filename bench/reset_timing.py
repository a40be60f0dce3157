"""No enumeration through timing: medians of password-reset requests for a known and an unknown email.

Run: ``python -m bench.reset_timing``. Against a live gunicorn (2 workers, SQLite and the job queue
in a scratch folder) with a jobs consumer writing the mails to an outbox there: 200 requests
each side over keep-alive connections, interleaved so drift affects both sides alike. Both
requests store the same job (the consumer does the lookup), so the ratio should sit near 1.
Prints both medians and their ratio (target 0.90-1.10); asserts nothing.
"""

import os
import signal
import subprocess
import tempfile

import requests

from bench.servers import BIN, ROOT, free_port, migrate, taskapi_command, wait_for
from bench.timing import compare

TRIES = 200
KNOWN, UNKNOWN = "known@example.com", "nobody@example.com"


def start(command, env):
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def request_reset(session, base, email):
    assert session.post(f"{base}/auth/password-reset/request", json={"email": email}).status_code == 202


def main():
    with tempfile.TemporaryDirectory() as scratch:
        database_url = f"sqlite:///{scratch}/t.sqlite"
        migrate(database_url)
        port = free_port()
        command, settings = taskapi_command(port, workers=2)
        env = {**os.environ, **settings, "DATABASE_URL": database_url, "BCRYPT_LOG_ROUNDS": "4",
               "JOBS_SQLITE_PATH": f"{scratch}/jobs.sqlite", "MAIL_OUTBOX_DIR": f"{scratch}/outbox"}
        processes = [start(command, env), start([str(BIN / "flask"), "--app", "wsgi", "jobs", "worker"], env)]
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/healthz", processes[0])
            session = requests.Session()
            session.post(f"{base}/auth/register", json={"username": "known", "email": KNOWN,
                                                        "password": "the right passphrase for timing"})
            for email in (UNKNOWN, KNOWN):  # warm both paths and the connections
                request_reset(session, base, email)
            compare(("known email", lambda: request_reset(session, base, KNOWN)),
                    ("unknown email", lambda: request_reset(session, base, UNKNOWN)), TRIES)
            print("target: ratio within 0.90-1.10")
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGINT if process is processes[1] else signal.SIGTERM)
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
