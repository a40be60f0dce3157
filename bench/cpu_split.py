"""Where the CPU of one wrk phase goes, by process: ``python -m bench.cpu_split [--phase list] [--databases postgres]``.

Serves taskapi and the blog peer in turn on SQLite and on PostgreSQL, and the full-stack peer on
PostgreSQL (fresh databases, seeded as in
``python -m bench``), runs one phase under wrk, and reads every process's CPU time from /proc
before and after. Prints the rate and the server's CPU milliseconds per request, with the
biggest other consumers (wrk among them). The PostgreSQL server may run outside this machine's
process list (it does on these machines), so its own CPU need not show. Asserts nothing.
"""

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench import servers, wrk
from bench.__main__ import FULLSTACK_CREATE, FULLSTACK_LIST, seed, seed_fullstack
from bench.databases import fresh_database, postgres_available

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_name(server_group):
    """{process name: CPU seconds (user + system)} over every process this machine shows.

    The processes of ``server_group`` (the server's master and workers) count as "server". Kernel
    workers count as one "kworker": their names carry the work queue they last ran, which changes.
    """
    totals = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if int(rest[2]) == server_group:
            name = "server"
        elif name.startswith(("postgres", "kworker")):
            name = name.split("/")[0].split(":")[0]
        totals[name] = totals.get(name, 0) + (int(rest[11]) + int(rest[12])) / TICKS
    return totals


def measure(kind, database_url, phase, seconds):
    """(wrk result, {process name: CPU seconds}) of one ``phase`` against ``kind``."""
    path = {"taskapi": {"list": "/tasks?per_page=50", "create": "/tasks"},
            "peer": {"list": "/tasks/", "create": "/tasks/"},
            "fullstack": {"list": FULLSTACK_LIST, "create": FULLSTACK_CREATE}}[kind][phase]
    with servers.serve(kind, database_url) as (base_url, master_pid):
        group = os.getpgid(master_pid)  # taskapi's master leads its own; the full-stack peer's run.sh leads its
        names, tokens = seed_fullstack(base_url) if kind == "fullstack" else seed(base_url, kind)
        before, children_before = cpu_seconds_by_name(group), children_cpu_seconds()
        result = wrk.run(base_url, phase, path, tokens, names, seconds=seconds)
        after, children_after = cpu_seconds_by_name(group), children_cpu_seconds()
    spent = {name: after[name] - before.get(name, 0) for name in after}
    spent["wrk"] = children_after - children_before  # wrk has exited, so only its rusage tells
    return result, spent


def children_cpu_seconds():
    """CPU seconds of this process's ended children (wrk, once it has finished)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phase", choices=("list", "create"), default="create")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgres", help="comma list")
    args = parser.parse_args()
    databases = [name for name in args.databases.split(",") if name != "postgres" or postgres_available()]
    with tempfile.TemporaryDirectory() as scratch:
        for database in databases:
            for kind in ("taskapi", "peer") + (("fullstack",) if database == "postgres" else ()):
                with fresh_database(database, scratch, kind) as url:
                    result, spent = measure(kind, url, args.phase, args.seconds)
                per_request = spent.get("server", 0) / max(result["requests"], 1) * 1000
                others = sorted(((cpu, name) for name, cpu in spent.items() if name != "server"), reverse=True)[:4]
                print(f"{kind:8} {database:9} {args.phase}: {result['rps']:7.1f}/s, p99 {result['p99_ms']:7.1f} ms; "
                      f"server {per_request:.2f} ms CPU per request; then "
                      + ", ".join(f"{name} {cpu:.2f} s" for cpu, name in others))
                time.sleep(1)


if __name__ == "__main__":
    main()
