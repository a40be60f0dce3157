"""Turn benchmark figures into bench/results/latest.json and a Markdown report: paired ratios, medians, targets."""

import json

from bench.callgrind import target_of
from bench.read_round_trips import TARGETS as ROUND_TRIP_TARGETS
from bench.search_depth import table_lines

PHASES = ("list", "create", "login", "mixed_list", "mixed_login", "healthz")
# Issue #19's targets, per database, on the medians of the paired rounds.
TARGETS = (
    ("list >= 1.2x peer", lambda s: s["median"]["list"], lambda v: v >= 1.2),
    ("create >= 2x peer", lambda s: s["median"]["create"], lambda v: v >= 2),
    ("create p99 < 100 ms", lambda s: s["create_p99_ms_median"], lambda v: v < 100),
    ("logins during a read burst >= 2/s", lambda s: s["mixed_login_per_s_median"], lambda v: v >= 2),
    ("list p99 during that burst < 100 ms", lambda s: s["mixed_list_p99_ms_median"], lambda v: v < 100),
    ("RSS <= 100 MB per worker", lambda s: s["rss_mb_max"], lambda v: v <= 100),
)
# Issue #32's targets against full-stack-fastapi-template's backend, PostgreSQL, same rounds.
FULLSTACK_TARGETS = (
    ("list >= 2x full-stack", lambda s: s["fullstack"]["median"]["list"], lambda v: v >= 2),
    ("create >= 1.5x full-stack", lambda s: s["fullstack"]["median"]["create"], lambda v: v >= 1.5),
    ("create p99 < 100 ms", lambda s: s["create_p99_ms_median"], lambda v: v < 100),
)


def phase_row(target, phase, figures):
    return (f"| {target} | {phase} | {figures['rps']} | {figures['p50_ms']} | {figures['p99_ms']} "
            f"| {figures['non2xx'] + figures['socket_errors']} |")


def comparison(title, ratios, summary, targets):
    """A section: each round's ratios, their medians, and the targets met or not."""
    lines = [title, "",
             f"- list ratios {ratios['ratios']['list']}, median **{ratios['median']['list']}**",
             f"- create ratios {ratios['ratios']['create']}, median **{ratios['median']['create']}**", "",
             "| target | median | met |", "|---|---|---|"]
    lines += [f"| {name} | {value(summary)} | {'yes' if met(value(summary)) else 'NO'} |"
              for name, value, met in targets]
    return lines + [""]


def markdown(results):
    machine = results["machine"]
    lines = [f"# Benchmark {results['when']}", "",
             f"{machine['cores']} cores ({machine.get('cpu') or 'processor unknown'}), Python {machine['python']}, "
             f"bcrypt cost 12 = {machine['bcrypt_cost12_ms']} ms "
             f"-> bound {machine['bcrypt_bound_logins_per_s']} logins/s; {results['seconds_per_phase']} s per phase, "
             f"wrk 16 connections (mixed: 8 login + 4 list), 20 users x 50 tasks, {results.get('workers', 'cores')} "
             "workers per server.", ""]
    instructions = results.get("instructions_m_per_request")
    if instructions:
        lines += ["## Instructions per request (callgrind, M = 10^6)", "",
                  "| request | M (through the test client; the targets) | target | M (the app alone) |",
                  "|---|---|---|---|"]
        lines += [f"| {kind} | {value} | {target_of(kind)} | {instructions['app_alone'][kind]} |"
                  for kind, value in instructions["through_test_client"].items()]
        lines.append("")
    trips = results.get("round_trips")
    if trips:
        lines += ["## PostgreSQL round trips per request (one warm request, libpq trace)", "",
                  "| request | round trips | target | met | what is sent |", "|---|---|---|---|---|"]
        lines += [f"| {kind} | {len(sent)} | <= {ROUND_TRIP_TARGETS[kind]} | "
                  f"{'yes' if len(sent) <= ROUND_TRIP_TARGETS[kind] else 'NO'} | {'; '.join(sent)} |"
                  for kind, sent in trips.items()]
        lines.append("")
    depth = results.get("search_depth")
    if depth:
        lines += [f"## {depth['heading']}", "", *table_lines(depth), ""]
    lines += ["## Resident memory per worker (issue #32: <= 100 MB)", "", "| database | largest, MB | met |",
              "|---|---|---|"]
    lines += [f"| {database} | {summary['rss_mb_max']} | {'yes' if summary['rss_mb_max'] <= 100 else 'NO'} |"
              for database, summary in results["summary"].items()]
    lines.append("")
    for database, summary in results["summary"].items():
        if "ratios" in summary:
            lines += comparison(f"## {database}: taskapi / blog peer, paired rounds (the targets of issue #19, "
                                "closed: a record)", summary, summary, TARGETS)
        else:
            lines += [f"## {database}: the blog peer was not run (its files are missing)", ""]
        if summary.get("fullstack"):
            lines += comparison(f"## {database}: taskapi / full-stack-fastapi-template, paired rounds",
                                summary["fullstack"], summary, FULLSTACK_TARGETS)
        elif database == "postgres":
            lines += [f"## {database}: full-stack-fastapi-template was not run (its files are missing)", ""]
    lines += ["## Every phase", "", "| round: target | phase | req/s | p50 ms | p99 ms | non-2xx/errors |",
              "|---|---|---|---|---|---|"]
    for database, pairs in results["rounds"].items():
        for number, pair in enumerate(pairs, 1):
            for side, figures in pair.items():
                target = f"{number}: {side}-{database}"
                lines += [phase_row(target, phase, figures[phase]) for phase in PHASES if phase in figures]
                lines.append(f"| {target} | RSS MB per worker | {figures['rss_mb_per_worker']} | | | |")
    return "\n".join(lines) + "\n"


def write_reports(results, directory):
    """Write latest.json and latest.md; return the Markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    (directory / "latest.md").write_text(text)
    return text
