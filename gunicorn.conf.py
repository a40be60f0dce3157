"""gunicorn settings, from the environment (see docs/configuration.md)."""

import gc
import multiprocessing
import os
import signal
import socket
import subprocess
import sys

from config import Config

bind = os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
# Threaded workers: bcrypt releases the GIL, so a login hashing never stalls the worker's other requests.
# A login waiting for the bcrypt pool still holds its thread: with 4, a burst of logins held every
# thread and reads queued behind them for seconds. Reads starve only once one worker holds as
# many waiting logins as it has threads (bench/README.md). The database pool keeps a connection
# for each thread (config.py), so no thread waits for one and none is opened per request.
worker_class = "gthread"
threads = Config.WORKER_THREADS
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
keepalive = 5
# One listening socket, opened by the master and shared by every worker. With reuse_port each
# worker had a socket of its own, which the kernel kept handing new connections while the worker
# finished (a reload, a restart) and then reset them. The shared socket never closes while the
# master lives, so a graceful reload (SIGHUP) drops no connection (tests/live/test_stop_and_reload_live.py).
# The price: one busy worker may accept more connections than the others (bench/README.md);
# GUNICORN_REUSE_PORT=1 spreads them again, at the cost of resets on every reload.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT") == "1"
# No control socket under ~/.gunicorn/: nothing outside the app should be able to steer it.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# `make run` sets RUN_JOBS_CONSUMER=1: the master starts one jobs consumer beside its workers and
# stops it when it exits, so Ctrl-C stops both. Production runs consumers as processes of their own.
def on_starting(server):
    refuse_an_address_in_use(server)
    if os.environ.get("RUN_JOBS_CONSUMER") == "1":
        # A session of its own: the terminal's Ctrl-C reaches gunicorn, which then stops it once.
        server.jobs_consumer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
                                                start_new_session=True)


def when_ready(server):
    """Log where taskapi answers, and how many workers share it."""
    where = ", ".join(f"http://{address[0]}:{address[1]}" if isinstance(address, tuple) else f"unix:{address}"
                      for address in server.cfg.address)
    server.log.info("taskapi answers at %s (%d workers)", where, server.cfg.workers)


def refuse_an_address_in_use(server):
    """Exit when something already listens on a bind address, with a message that says so.

    A forgotten `make run` or an old version must not keep serving (with SO_REUSEPORT it could
    even share the address). The probe sets only SO_REUSEADDR, so connections left in TIME_WAIT
    by a server that just stopped do not count.
    """
    if os.environ.get("GUNICORN_FD") or os.environ.get("LISTEN_FDS"):
        return  # sockets handed over by a re-executing master or systemd: ours already
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a unix socket path: gunicorn itself refuses one that is in use
        host, port = address
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as error:
                raise SystemExit(f"{host}:{port} is already in use ({error.strerror}): is taskapi running?") from None


def on_exit(server):
    consumer = getattr(server, "jobs_consumer", None)
    if consumer is not None and consumer.poll() is None:
        consumer.send_signal(signal.SIGINT)  # graceful: jobs in progress finish first
        try:
            consumer.wait(timeout=graceful_timeout)
        except subprocess.TimeoutExpired:
            consumer.kill()  # the jobs it was running are queued again by the next consumer
            consumer.wait()


def post_worker_init(worker):
    """Let a worker be stopped at once by one quick-stop signal, and only once.

    Ctrl-C reaches every process of the terminal's group, so a worker got SIGINT from the
    terminal and SIGQUIT from its master at once; gthread's quit handler, entered a second time
    while the first held its thread pool's lock, blocked until the master sent SIGKILL
    (graceful_timeout later, "Perhaps out of memory?"). Now a worker ignores SIGINT (the master's
    SIGQUIT is the one that counts), a second SIGQUIT does nothing, and the quick stop exits
    without waiting for request threads (one may wait 5 s for a silent client's first bytes).
    The handler takes no lock: it runs on the main thread wherever that thread was, and the thread
    pool's lock, held there by a submit() under traffic, once made it wait for ever. os._exit ends
    the request threads; a flush that fails (a write it interrupted) does not stop the exit.
    SIGTERM (a graceful stop, a reload) still lets requests in progress finish.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def quit_once(sig, frame):
        if getattr(worker, "quitting", False):
            return
        worker.quitting = True
        worker.alive = False
        try:
            worker.cfg.worker_int(worker)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(0)

    signal.signal(signal.SIGQUIT, quit_once)
    freeze_startup_objects()


def freeze_startup_objects():
    """Move what the worker built at startup (the app, its routes, schemas, statements) out of the collector's sight.

    Those objects live as long as the worker, yet every full collection walked all of them: about
    50 ms a time, during which every request the worker holds waits (a list's p99 fell from
    99-126 ms to 63-86 ms with this, bench/README.md). gc.freeze() is the standard library's way.
    """
    gc.collect()
    gc.freeze()
