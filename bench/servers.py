"""Start taskapi (gunicorn), the blog-design peer (uvicorn) and the full-stack-fastapi-template peer (its own
``run.sh``) on free local ports for a benchmark run."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# ../shared/peers next to the checkout (a git worktree one level deeper finds it too); PEERS_DIR overrides.
PEERS = Path(os.environ.get("PEERS_DIR") or next(
    (path for path in (ROOT.parent / "shared" / "peers", ROOT.parent.parent / "shared" / "peers") if path.exists()),
    ROOT.parent / "shared" / "peers"))
PEER_VENV = ROOT / ".tools" / "peer-venv"
FULLSTACK = PEERS / "fullstack"  # run.sh, seed.py (README.md there)
FULLSTACK_VENV = ROOT / ".tools" / "fst-venv"
OUTBOX = os.path.join(tempfile.gettempdir(), "taskapi-bench-outbox")
JOBS = os.path.join(tempfile.gettempdir(), "taskapi-bench-jobs.sqlite")
BIN = Path(sys.executable).parent
SECRET = "benchmark-secret-key-long-enough-for-hs256-0123456789"


def free_port():
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_peer_venv():
    """A scratch virtualenv with the peers' pinned requirements (outside the project's venv)."""
    uvicorn = PEER_VENV / "bin" / "uvicorn"
    if not uvicorn.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "-r", str(PEERS / "requirements.txt")],
                       check=True)
    return uvicorn


def taskapi_command(port, workers):
    return [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], {
        "TASKAPI_ENV": "production", "SECRET_KEY": SECRET, "TRUSTED_HOSTS": "127.0.0.1", "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers), "RATELIMIT_ENABLED": "false", "BCRYPT_LOG_ROUNDS": "12",
        "MAIL_OUTBOX_DIR": OUTBOX,  # registration mails: keep them out of the project's instance/
        "JOBS_SQLITE_PATH": JOBS,  # and their jobs
        "MALLOC_ARENA_MAX": "2",  # as docs/deploying.md advises
    }


def migrate(database_url):
    """Bring a fresh database to the migration head."""
    env = {**os.environ, "TASKAPI_ENV": "production", "SECRET_KEY": SECRET, "TRUSTED_HOSTS": "127.0.0.1",
           "DATABASE_URL": database_url}
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peer_missing(kind):
    """Why ``kind``'s peer cannot run here (its files are outside this repository), or None."""
    needed = {"peer": PEERS / "blog_design.py", "fullstack": FULLSTACK / "run.sh"}.get(kind)
    if needed is None or needed.exists():
        return None
    return f"{needed} is missing (peers live outside this repository, in ../shared/peers; PEERS_DIR overrides)"


@contextmanager
def serve_fullstack(database_name, workers):
    """full-stack-fastapi-template's backend served by its own run.sh on a fresh database ``database_name``.

    Yields (base_url, pid of its ``fastapi run`` supervisor, whose children are the workers).
    """
    port = free_port()
    env = {**os.environ, "VENV": str(FULLSTACK_VENV), "DB": database_name, "WORKERS": str(workers),
           "RESET_DB": "1"}
    process = subprocess.Popen(["bash", str(FULLSTACK / "run.sh"), str(port)], cwd=FULLSTACK, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        ready = process.stdout.readline()  # "READY http://... pid=N ..." once it answers, or EOF if it failed
        if not ready.startswith("READY"):
            raise RuntimeError(f"the full-stack peer did not start (run.sh exited {process.wait(timeout=30)})")
        yield f"http://127.0.0.1:{port}", int(ready.split("pid=")[1].split()[0])
    finally:
        process.send_signal(signal.SIGTERM)  # run.sh stops its server by pid and removes its temp dir
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def serve(kind, database_url, workers=None):
    """Serve ``kind`` ("taskapi", "peer" or "fullstack") on ``database_url``; yields (base_url, master pid)."""
    workers = workers or os.cpu_count()
    if kind == "fullstack":
        with serve_fullstack(database_url.rsplit("/", 1)[1], workers) as served:
            yield served
        return
    port = free_port()
    if kind == "taskapi":
        migrate(database_url)
        command, extra = taskapi_command(port, workers)
        cwd = ROOT
    else:
        command = [str(ensure_peer_venv()), "blog_design:app", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
        extra, cwd = {}, PEERS
    env = {**os.environ, "DATABASE_URL": database_url, **extra}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + ("/healthz" if kind == "taskapi" else "/openapi.json"), process)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({url})")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not come up: {url}")


def worker_rss_mb(master_pid):
    """Resident memory of each worker process (children of the master, not multiprocessing's helper), in MB."""
    sizes = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        if b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes():
            continue
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes
