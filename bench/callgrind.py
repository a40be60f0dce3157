"""Instructions per request under valgrind's callgrind: ``python -m bench.callgrind [--label TEXT]``.

An in-process taskapi configured like production (JSON access log, rate limiter on, SQLite)
serves warm-up requests uncounted, then MEASURED requests of each kind with collection on;
each kind is dumped on its own and divided by MEASURED. Instruction counts do not move with
the machine's load (identical runs agree within about 0.15 Mi), so they are the figure to
compare before and after a change. Writes bench/results/callgrind.json and appends a row to
bench/results/callgrind.md when ``--label`` is given. Units: M = 10^6 instructions (the issue's
"Mi" figures are these: its 15.1 for a list on the day this tool measured 15.2). ``--keep DIR`` keeps
the dumps for ``callgrind_annotate``; ``--only KIND`` (repeatable) measures those kinds alone (with
``POST /tasks`` when a project create is chosen: their budgets are relative to it).
"""

import argparse
import ctypes
import gc
import json
import mmap
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

WARMUP, MEASURED = 40, 40
# "GET /tasks?per_page=50" is a user in no project (personal tasks only); MEMBER_LIST is a user in
# PROJECTS projects whose 50 tasks all belong to them (the union listing); LIST_WITH_TOKEN is the
# first list authenticated with a personal access token instead of the session JWT. The project
# creates are a third user's, into a project of theirs without webhooks and into one with a
# webhook subscribed to task.created (each create then writes an outbox row and queues its job).
MEMBER_LIST, PROJECTS = "GET /tasks?per_page=50 member of 20 projects", 20
WITH_TOKEN = " (access token)"
LIST_WITH_TOKEN = "GET /tasks?per_page=50" + WITH_TOKEN
PROJECT_CREATE = "POST /tasks into a project"
# The same create with the outbox's receiver disconnected: no webhook code runs, the budgets' base.
BARE_CREATE = "POST /tasks into a project, no outbox receiver"
HOOKED_CREATE = "POST /tasks into a project with a webhook"
HISTORY_KINDS = ("GET /tasks?per_page=50", MEMBER_LIST, "POST /tasks", "GET /healthz")
KINDS = (*HISTORY_KINDS, LIST_WITH_TOKEN, BARE_CREATE, PROJECT_CREATE, HOOKED_CREATE)
STATUS = {"GET /tasks?per_page=50": 200, MEMBER_LIST: 200, "POST /tasks": 201, "GET /healthz": 200,
          LIST_WITH_TOKEN: 200, BARE_CREATE: 201, PROJECT_CREATE: 201, HOOKED_CREATE: 201}
# Issue #32's (the list of a member of 20 projects: the projects issue's).
TARGETS_M = {"GET /tasks?per_page=50": 8.0, MEMBER_LIST: 9.0, "POST /tasks": 4.2, "GET /healthz": 1.25}
TOKEN_EXTRA_TARGET_M = 0.3  # issue 29: a token request costs at most the JWT one plus this
# The webhooks issue: a create into a project costs at most the same create with no webhook code plus these.
CREATE_EXTRA_TARGETS_M = {PROJECT_CREATE: 0.1, HOOKED_CREATE: 1.0}
# The webhook points at the discard port on loopback, opened for it: no consumer runs, and if one
# did it would reach nothing beyond this machine.
HOOK_URL, HOOK_NETWORKS = "https://127.0.0.1:9/taskapi", ["127.0.0.1/32"]
RESULTS = Path(__file__).parent / "results"
APP_ALONE = "app alone: "

# valgrind.h's client request for amd64, as machine code: rax = &args, the special preamble
# (rotations of rdi that sum to 128 bits, so rdi is unchanged), xchg rbx,rbx; the answer in rdx.
CLIENT_REQUEST = bytes.fromhex("4889f8" "31d2" "48c1c703" "48c1c70d" "48c1c73d" "48c1c733" "4887db" "4889d0" "c3")
CALLGRIND_BASE = (ord("C") << 24) | (ord("T") << 16)  # VG_USERREQ_TOOL_BASE('C','T') in callgrind.h
TOGGLE_COLLECT, DUMP_STATS_AT = CALLGRIND_BASE + 2, CALLGRIND_BASE + 3


class Callgrind:
    """Callgrind's client requests from Python (no-ops when not under valgrind)."""

    def __init__(self):
        self._page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        self._page.write(CLIENT_REQUEST)
        address = ctypes.addressof(ctypes.c_char.from_buffer(self._page))
        self._call = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.c_void_p)(address)

    def request(self, code, argument=0):
        args = (ctypes.c_size_t * 6)(code, argument, 0, 0, 0, 0)
        return self._call(ctypes.addressof(args))

    def toggle_collect(self):
        self.request(TOGGLE_COLLECT)

    @contextmanager
    def counting(self):
        """Count the block's instructions, from an emptied garbage collector: a full collection that an
        earlier phase's garbage was due would otherwise land in whichever kind is counted then."""
        gc.collect()
        self.toggle_collect()
        try:
            yield
        finally:
            self.toggle_collect()

    def dump(self, name):
        label = ctypes.create_string_buffer(name.encode())
        self.request(DUMP_STATS_AT, ctypes.addressof(label))


def request_body(kind, number, projects):
    """The JSON body of request ``number`` of ``kind`` (None when it has none); ``projects``: {kind: project id}."""
    if not kind.startswith("POST /tasks"):
        return None
    body = {"title": f"new {number}", "priority": "high"}
    return {**body, "project_id": projects[kind]} if kind in projects else body


def headers_for(kind, headers):
    """The kind's user's Authorization headers (member's, author's, token's, the user's); none for /healthz."""
    if kind == "GET /healthz":
        return {}
    if kind in headers:
        return headers[kind]
    return headers[WITH_TOKEN] if kind.endswith(WITH_TOKEN) else headers["session"]


def method_and_path(kind):
    """("GET", "/tasks?per_page=50") of a kind."""
    return kind.removesuffix(WITH_TOKEN).split(" ")[:2]


def with_access_token(client, headers):
    """{"session": the JWT headers, WITH_TOKEN: the same user's personal access token headers}."""
    from bench.inprocess import PASSWORD

    created = client.post("/auth/tokens", headers=headers, json={
        "name": "bench", "scopes": ["tasks:read"], "expires_in_days": 30, "current_password": PASSWORD})
    assert created.status_code == 201, created.get_data(as_text=True)
    return {"session": headers, WITH_TOKEN: {"Authorization": f"Bearer {created.get_json()['token']}"}}


def seed_member(client):
    """A second user, admin of PROJECTS projects holding 60 tasks between them and no personal task."""
    from bench.inprocess import PASSWORD

    client.post("/auth/register", json={"username": "member", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "member", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    projects = [client.post("/projects", json={"name": f"project {number}"}, headers=headers).get_json()["id"]
                for number in range(PROJECTS)]
    for number in range(60):
        client.post("/tasks", json={"title": f"shared {number}", "description": "some words",
                                    "project_id": projects[number % PROJECTS]}, headers=headers)
    return headers


def seed_author(client):
    """A third user with two projects: one without webhooks, one with a webhook on task.created.

    Returns ({kind: their headers}, {kind: project id}).
    """
    from bench.inprocess import PASSWORD

    client.post("/auth/register", json={"username": "author", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "author", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    projects = {kind: client.post("/projects", json={"name": kind}, headers=headers).get_json()["id"]
                for kind in (PROJECT_CREATE, HOOKED_CREATE)}
    projects[BARE_CREATE] = projects[PROJECT_CREATE]
    created = client.post(f"/projects/{projects[HOOKED_CREATE]}/webhooks", headers=headers,
                          json={"url": HOOK_URL, "events": ["task.created"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    return dict.fromkeys(projects, headers), projects


SHORT_NAMES = {"list": "GET /tasks?per_page=50", "member": MEMBER_LIST, "token": LIST_WITH_TOKEN,
               "create": "POST /tasks", "healthz": "GET /healthz", "project-create": PROJECT_CREATE,
               "hooked-create": HOOKED_CREATE, "bare-create": BARE_CREATE}


def selected_kinds(only=None):
    """The kinds to count: all of KINDS, or those ``only`` names (a kind or one of SHORT_NAMES)."""
    if not only:
        return KINDS
    chosen = {SHORT_NAMES.get(name, name) for name in only}
    if chosen & set(CREATE_EXTRA_TARGETS_M):  # their budgets are relative to it
        chosen.add(BARE_CREATE)
    unknown = chosen - set(KINDS)
    if unknown:
        raise SystemExit(f"--only: unknown {sorted(unknown)}; choose from {sorted(SHORT_NAMES)}")
    return tuple(kind for kind in KINDS if kind in chosen)


def child(kinds=KINDS):
    """Under valgrind: warm up, then count MEASURED requests of each kind, one dump per kind."""
    from bench.inprocess import PROD_LIKE, seeded_client

    callgrind = Callgrind()
    # The creates into the webhook's project queue a send job each: into a queue file of the run's own.
    with tempfile.TemporaryDirectory() as queue, seeded_client(
            **PROD_LIKE, JOBS_SQLITE_PATH=os.path.join(queue, "jobs.sqlite"),
            WEBHOOK_ALLOWED_NETWORKS=HOOK_NETWORKS) as (client, session_headers):
        headers = {**with_access_token(client, session_headers), MEMBER_LIST: seed_member(client)}
        author_headers, projects = seed_author(client)
        headers.update(author_headers)
        for kind in {"GET /tasks?per_page=50", MEMBER_LIST, LIST_WITH_TOKEN} & set(kinds):
            assert len(client.get("/tasks?per_page=50", headers=headers_for(kind, headers)).get_json()) == 50

        def send(kind, method, path, number):
            response = client.open(path, method=method, headers=headers_for(kind, headers),
                                   json=request_body(kind, number, projects))
            assert response.status_code == STATUS[kind], response.get_data(as_text=True)

        for kind in kinds:
            method, path = method_and_path(kind)
            with outbox_disconnected(kind == BARE_CREATE):
                for number in range(WARMUP):
                    send(kind, method, path, number)
                with callgrind.counting():
                    for number in range(MEASURED):
                        send(kind, method, path, WARMUP + number)
            callgrind.dump(kind)
        hooked = (WARMUP + MEASURED) if HOOKED_CREATE in kinds else 0
        assert_outbox_rows(client.application, hooked)
        count_app_alone(callgrind, client.application, headers, projects, kinds)
        assert_outbox_rows(client.application, 2 * hooked)


@contextmanager
def outbox_disconnected(disconnect=True):
    """With ``disconnect``: the outbox's receiver of project events off for the block (blinker's disconnect)."""
    from taskapi.signals import project_event
    from taskapi.webhooks.outbox import write_deliveries

    if disconnect:
        project_event.disconnect(write_deliveries)
    try:
        yield
    finally:
        if disconnect:
            project_event.connect(write_deliveries)


def assert_outbox_rows(app, expected):
    """Each create into the webhook's project wrote its delivery (the case measures what it claims to)."""
    from sqlalchemy import func, select

    from taskapi.extensions import db
    from taskapi.models import WebhookDelivery

    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(WebhookDelivery))
    assert found == expected, f"{found} deliveries, expected {expected}"


def count_app_alone(callgrind, app, headers, projects, kinds=KINDS):
    """The same requests handed to the WSGI app as a server would: environs built before counting starts."""
    from werkzeug.test import EnvironBuilder

    statuses = []

    def start_response(status, response_headers, exc_info=None):
        statuses.append(int(status.split()[0]))

    def serve(environ):
        body = app.wsgi_app(environ, start_response)
        b"".join(body)
        body.close()

    for kind in kinds:
        method, path = method_and_path(kind)
        environs = [EnvironBuilder(path=path, method=method, headers=headers_for(kind, headers),
                                   json=request_body(kind, number, projects)).get_environ()
                    for number in range(WARMUP + MEASURED)]
        with outbox_disconnected(kind == BARE_CREATE):
            for environ in environs[:WARMUP]:
                serve(environ)
            with callgrind.counting():
                for environ in environs[WARMUP:]:
                    serve(environ)
        callgrind.dump(f"{APP_ALONE}{kind}")
        assert statuses == [STATUS[kind]] * len(environs), statuses
        statuses.clear()


def measure(keep=None, kinds=KINDS):
    """Run the child under callgrind for ``kinds``; {kind: instructions per request}."""
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind (or `make bench`)")
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "callgrind.out")
        command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={out}",
                   f"--log-file={scratch}/valgrind.log", sys.executable, "-m", "bench.callgrind", "--child",
                   *(f"--only={kind}" for kind in kinds)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=Path(__file__).parent.parent, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode:
            raise SystemExit(f"callgrind run failed:\n{done.stderr[-3000:]}")
        if keep:
            shutil.copytree(scratch, keep, dirs_exist_ok=True)
        counts = {}
        for dump in Path(scratch).glob("callgrind.out.*"):
            text = dump.read_text(errors="replace")
            trigger = re.search(r"^desc: Trigger: Client Request: (.+)$", text, re.M)
            totals = re.search(r"^totals: (\d+)", text, re.M)
            if trigger and totals:
                counts[trigger.group(1)] = int(totals.group(1)) / MEASURED
    missing = ({*kinds, *(APP_ALONE + kind for kind in kinds)}) - counts.keys()
    if missing:
        raise SystemExit(f"callgrind gave no dump for {sorted(missing)}")
    return {kind: counts[kind] for kind in kinds}, {kind: counts[APP_ALONE + kind] for kind in kinds}


def target_of(kind):
    """The budget of ``kind`` in words (absolute, or relative to the kind it is measured against)."""
    if kind in TARGETS_M:
        return f"<= {TARGETS_M[kind]}"
    if kind == LIST_WITH_TOKEN:
        return f"<= the JWT list + {TOKEN_EXTRA_TARGET_M}"
    if kind in CREATE_EXTRA_TARGETS_M:
        return f"<= no outbox receiver + {CREATE_EXTRA_TARGETS_M[kind]}"
    return "(the base of the project creates)"


def print_counts(measured):
    """Print a partial run's counts (``--only``): nothing is saved, since the history needs every kind."""
    for kind, count in measured[0].items():
        print(f"{kind:<45} {count / 1e6:6.3f} M; the app alone {measured[1][kind] / 1e6:6.3f} M")


def report(measured, label=None):
    """Print and save ``measure()``'s counts; with ``label``, append a row to callgrind.md's history.

    The targets apply to the first figures (through Flask's test client, as the issue measured).
    The app-alone figures leave out the test client building the environ and reading the response,
    work a server does in its own way; they show how much of each figure is taskapi's.
    """
    counts, app_alone = measured
    RESULTS.mkdir(exist_ok=True)
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    mi = {kind: round(count / 1e6, 2) for kind, count in counts.items()}
    alone = {kind: round(count / 1e6, 2) for kind, count in app_alone.items()}
    if set(counts) == set(KINDS):  # a run of chosen kinds leaves the full figures in place
        (RESULTS / "callgrind.json").write_text(json.dumps(
            {"when": when, "label": label, "warmup": WARMUP, "measured": MEASURED, "m_per_request": mi,
             "m_per_request_app_alone": alone, "targets_m": TARGETS_M,
             "create_extra_targets_m": CREATE_EXTRA_TARGETS_M}, indent=2) + "\n")
    for kind, value in mi.items():
        verdict = "met" if value <= TARGETS_M.get(kind, float("inf")) else "NOT met"
        if kind == LIST_WITH_TOKEN:
            extra = value - mi["GET /tasks?per_page=50"]
            verdict = "met" if extra <= TOKEN_EXTRA_TARGET_M else "NOT met"
            print(f"{kind:<24} {value:6.2f} M instructions per request, {extra:+.2f} M against the JWT "
                  f"(target <= +{TOKEN_EXTRA_TARGET_M}: {verdict}); the app alone {alone[kind]:.2f} M")
            continue
        if kind in CREATE_EXTRA_TARGETS_M:
            extra, target = value - mi[BARE_CREATE], CREATE_EXTRA_TARGETS_M[kind]
            verdict = "met" if extra <= target else "NOT met"
            print(f"{kind:<24} {value:6.2f} M instructions per request, {extra:+.2f} M against no outbox "
                  f"receiver (target <= +{target}: {verdict}); the app alone {alone[kind]:.2f} M")
            continue
        if kind == BARE_CREATE:
            print(f"{kind:<24} {value:6.2f} M instructions per request; the app alone {alone[kind]:.2f} M")
            continue
        print(f"{kind:<24} {value:6.2f} M instructions per request (target <= {TARGETS_M[kind]}: {verdict}); "
              f"the app alone {alone[kind]:.2f} M")
    if label:
        history = RESULTS / "callgrind.md"
        if not history.exists():
            history.write_text("# Instructions per request (callgrind, prod-like, SQLite; M = 10^6)\n\n"
                               "| when (UTC) | change | list (50) | list (50, 20 projects) | create | /healthz |\n"
                               "|---|---|---|---|---|---|\n")
        creates = "; ".join(f"{kind.removeprefix('POST /tasks ')} {mi[kind]:.2f}" for kind in CREATE_EXTRA_TARGETS_M
                            if kind in mi)
        change = f"{label} ({creates})" if creates else label
        with history.open("a") as rows:
            rows.write(f"| {when} | {change} | " + " | ".join(
                f"{mi[kind]:.2f}" if kind in mi else "-" for kind in HISTORY_KINDS) + " |\n")
    return {"through_test_client": mi, "app_alone": alone}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", help="append the figures to results/callgrind.md under this label")
    parser.add_argument("--keep", help="copy the callgrind dumps into this folder")
    parser.add_argument("--only", action="append", metavar="KIND",
                        help=f"count only this kind: {', '.join(SHORT_NAMES)} (repeatable; printed, not saved)")
    args = parser.parse_args()
    kinds = selected_kinds(args.only)
    if args.child:
        child(kinds)
    elif args.only:
        print_counts(measure(args.keep, kinds))
    else:
        report(measure(args.keep, kinds), args.label)


if __name__ == "__main__":
    main()
