"""Side-by-side HTTP benchmark: taskapi and its peers on the same database, phases under wrk.

Usage: ``python -m bench [--seconds 10] [--rounds 3] [--databases sqlite,postgres] [--workers 2]
[--no-callgrind] [--no-depth] [--depth-size 1000000]``. First the instructions per request
(bench.callgrind) and the round trips of a read and a create on PostgreSQL
(bench.read_round_trips); then ``--rounds`` paired runs per database: taskapi and the
blog-design peer back to back in the same run, and on PostgreSQL the full-stack-fastapi-template
backend too (list and create only); their ratios per round and the medians; last, searches and
filters at a million tasks (bench.search_depth). A peer whose files are missing (they live in
../shared/peers, outside this repository) is skipped, and the run says so. Writes
bench/results/latest.json and latest.md. Loopback only; every phase is bounded in time.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bcrypt
import requests

from bench import callgrind, read_round_trips, search_depth, servers, wrk
from bench.databases import fresh_database, reachable_databases
from bench.report import write_reports

USERS, TASKS_PER_USER = 20, 50
BENCH_PASSWORD = "tulip harbor quiet lantern"  # must pass the password policy
PEER_NAMES = {"peer": "the blog-design peer", "fullstack": "the full-stack-fastapi-template peer"}
FULLSTACK_LIST, FULLSTACK_CREATE = "/api/v1/items/?skip=0&limit=50", "/api/v1/items/"


def bcrypt_bound():
    """Logins per second the machine can hash at cost 12: cores / one hash's time."""
    started = time.perf_counter()
    bcrypt.hashpw(b"benchmark", bcrypt.gensalt(12))
    single = time.perf_counter() - started
    return round(os.cpu_count() / single, 2), round(single * 1000, 1)


def cpu_model():
    """The processor's name as Linux reports it (None elsewhere)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), None)


def seed(base_url, kind):
    """20 users x 50 tasks through the API; returns (usernames, tokens)."""
    names = [f"bench{n:02d}" for n in range(USERS)]
    register = "/auth/register"
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda name: requests.post(base_url + register, json={
            "username": name, "email": f"{name}@example.com", "password": BENCH_PASSWORD}), names))
        tokens = list(pool.map(lambda name: requests.post(base_url + "/auth/login", json={
            "username": name, "password": BENCH_PASSWORD}).json()["access_token"], names))
        tasks_path = "/tasks" if kind == "taskapi" else "/tasks/"

        def create_tasks(token):
            session = requests.Session()
            for number in range(TASKS_PER_USER):
                session.post(base_url + tasks_path, json={"title": f"seed {number}"},
                             headers={"Authorization": f"Bearer {token}"})

        list(pool.map(create_tasks, tokens))
    return names, tokens


def seed_fullstack(base_url):
    """20 users x 50 items through the full-stack peer's API, by its own seed.py; returns (emails, tokens)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, str(servers.FULLSTACK / "seed.py"), "--base", base_url, "--users", str(USERS),
                        "--items", str(TASKS_PER_USER), "--out", out.name], check=True, stdout=subprocess.DEVNULL)
        users = json.loads(Path(out.name).read_text())
    return [user["email"] for user in users], [user["token"] for user in users]


def run_phases(base_url, kind, names, tokens, seconds):
    """list, create, login, mixed (logins saturating while lists run), healthz; the full-stack peer: list, create."""
    if kind == "fullstack":  # the list first: creates grow the users' item lists
        return {"list": wrk.run(base_url, "list", FULLSTACK_LIST, tokens, names, seconds=seconds),
                "create": wrk.run(base_url, "create", FULLSTACK_CREATE, tokens, names, seconds=seconds)}
    list_path = "/tasks?per_page=50" if kind == "taskapi" else "/tasks/"
    create_path = "/tasks" if kind == "taskapi" else "/tasks/"
    phases = {
        "list": wrk.run(base_url, "list", list_path, tokens, names, seconds=seconds),
        "create": wrk.run(base_url, "create", create_path, tokens, names, seconds=seconds),
        "login": wrk.run(base_url, "login", "/auth/login", tokens, names, seconds=seconds),
    }
    logins = wrk.start(base_url, "login", "/auth/login", tokens, names, seconds=seconds, connections=8)
    time.sleep(1)  # let the logins saturate the workers first
    listing = wrk.start(base_url, "list", list_path, tokens, names, seconds=max(seconds - 2, 2), connections=4)
    phases["mixed_list"] = wrk.finish(listing)
    phases["mixed_login"] = wrk.finish(logins)
    if kind == "taskapi":
        phases["healthz"] = wrk.run(base_url, "healthz", "/healthz", tokens, names, seconds=seconds)
    return phases


def bench_target(target, scratch, seconds, workers):
    """Serve one target (``taskapi-sqlite``, ``peer-postgres``...) on a fresh database, seed it, run every phase."""
    kind, database = target.split("-")
    with fresh_database(database, scratch, target) as url, \
            servers.serve(kind, url, workers) as (base_url, master_pid):
        names, tokens = seed_fullstack(base_url) if kind == "fullstack" else seed(base_url, kind)
        phases = run_phases(base_url, kind, names, tokens, seconds)
        phases["rss_mb_per_worker"] = [round(size, 1) for size in servers.worker_rss_mb(master_pid)]
        return phases


def sides(database):
    """Who runs on ``database``: taskapi and every peer present (the full-stack peer runs on PostgreSQL only)."""
    wanted = ["taskapi", "peer"] + (["fullstack"] if database == "postgres" else [])
    present = []
    for side in wanted:
        missing = servers.peer_missing(side)
        if missing:
            print(f"!! {PEER_NAMES[side]} SKIPPED on {database}: {missing}", flush=True)
        else:
            present.append(side)
    return present


def paired_rounds(databases, rounds, seconds, workers):
    """``rounds`` runs of taskapi and the peers back to back per database; {database: [round figures]}."""
    runs = {database: [] for database in databases}
    present = {database: sides(database) for database in databases}
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(rounds):
            for database in databases:
                pair = {}
                # Alternate who goes first, so a neighbour's burst does not always land on one side.
                order = present[database] if number % 2 == 0 else present[database][::-1]
                for side in order:
                    print(f"== round {number + 1}: {side}-{database}", flush=True)
                    pair[side] = bench_target(f"{side}-{database}", scratch, seconds, workers)
                    print(json.dumps(pair[side]), flush=True)
                runs[database].append(pair)
    return runs


def ratios_against(pairs, peer):
    """Each round's list and create ratios, taskapi / ``peer``, and their medians (None without that peer)."""
    if not pairs or any(peer not in pair for pair in pairs):
        return None
    ratios = {phase: [round(pair["taskapi"][phase]["rps"] / pair[peer][phase]["rps"], 2) for pair in pairs]
              for phase in ("list", "create")}
    return {"ratios": ratios, "median": {phase: statistics.median(values) for phase, values in ratios.items()}}


def medians(runs):
    """Per database: each round's ratios against each peer, their medians, and taskapi's own medians."""
    summary = {}
    for database, pairs in runs.items():
        summary[database] = {
            **(ratios_against(pairs, "peer") or {}),
            "fullstack": ratios_against(pairs, "fullstack"),
            "create_p99_ms_median": statistics.median(pair["taskapi"]["create"]["p99_ms"] for pair in pairs),
            "mixed_login_per_s_median": statistics.median(pair["taskapi"]["mixed_login"]["rps"] for pair in pairs),
            "mixed_list_p99_ms_median": statistics.median(pair["taskapi"]["mixed_list"]["p99_ms"] for pair in pairs),
            "rss_mb_max": max(max(pair["taskapi"]["rss_mb_per_worker"] or [0]) for pair in pairs),
        }
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2, help="workers per server (issue #32: two each)")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    parser.add_argument("--no-depth", action="store_true",
                        help="skip the searches and filters at a million tasks (bench.search_depth: minutes)")
    parser.add_argument("--depth-size", type=int, default=search_depth.SIZE, help="tasks per caller in that part")
    args = parser.parse_args()
    if not wrk.wrk_available():
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or `make bench`, which installs it)")
    instructions = None if args.no_callgrind else callgrind.report(callgrind.measure())
    bound, single_ms = bcrypt_bound()
    results = {"machine": {"cores": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version(),
                           "bcrypt_cost12_ms": single_ms, "bcrypt_bound_logins_per_s": bound},
               "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seconds_per_phase": args.seconds,
               "workers": args.workers,
               "instructions_m_per_request": instructions}
    databases = reachable_databases(args.databases)
    if "postgres" in databases:
        results["round_trips"] = read_round_trips.round_trips()
    results["rounds"] = paired_rounds(databases, args.rounds, args.seconds, args.workers)
    results["summary"] = medians(results["rounds"])
    # Last: seeding two million rows leaves PostgreSQL checkpointing and vacuuming for a minute, which
    # cut the first round's creates by a third when this part ran before the rounds.
    if not args.no_depth:
        results["search_depth"] = search_depth.measure_all(databases, args.depth_size)
    out = Path(__file__).parent / "results"
    print(write_reports(results, out))


if __name__ == "__main__":
    main()
