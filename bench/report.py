"""Turn benchmark figures into bench/results/latest.json and a Markdown table with ratios and targets."""

import json

PHASES = ("list", "create", "login", "mixed_list", "mixed_login", "healthz")


def phase_row(target, phase, figures):
    return (f"| {target} | {phase} | {figures['rps']} | {figures['p50_ms']} | {figures['p99_ms']} "
            f"| {figures['non2xx'] + figures['socket_errors']} |")


def ratio(results, target, phase, peer="blog-peer"):
    mine = results["targets"].get(target, {}).get(phase)
    theirs = results["targets"].get(peer, {}).get(phase)
    if not mine or not theirs or not theirs["rps"]:
        return None
    return round(mine["rps"] / theirs["rps"], 2)


def target_checks(results, target):
    """The issue's targets for one taskapi target, each as (name, measured, met)."""
    figures = results["targets"].get(target)
    if not figures:
        return []
    bound = results["machine"]["bcrypt_bound_logins_per_s"]
    checks = [
        ("list >= 3x peer", ratio(results, target, "list"), (ratio(results, target, "list") or 0) >= 3),
        ("create >= 5x peer", ratio(results, target, "create"), (ratio(results, target, "create") or 0) >= 5),
        ("create p99 < 100 ms", figures["create"]["p99_ms"], figures["create"]["p99_ms"] < 100),
        ("login >= 90% of bcrypt bound", round(figures["login"]["rps"] / bound, 2),
         figures["login"]["rps"] >= 0.9 * bound),
        ("list p99 < 100 ms during saturating logins", figures["mixed_list"]["p99_ms"],
         figures["mixed_list"]["p99_ms"] < 100),
        ("list >= 50% of /healthz", round(figures["list"]["rps"] / figures["healthz"]["rps"], 2),
         figures["list"]["rps"] >= 0.5 * figures["healthz"]["rps"]),
        ("RSS <= 100 MB per worker", max(figures["rss_mb_per_worker"] or [0]),
         max(figures["rss_mb_per_worker"] or [0]) <= 100),
    ]
    return checks


def markdown(results):
    machine = results["machine"]
    lines = [f"# Benchmark {results['when']}", "",
             f"{machine['cores']} cores, Python {machine['python']}, bcrypt cost 12 = {machine['bcrypt_cost12_ms']} ms "
             f"-> bound {machine['bcrypt_bound_logins_per_s']} logins/s; {results['seconds_per_phase']} s per phase, "
             "wrk 16 connections (mixed: 8 login + 4 list), 20 users x 50 tasks.", "",
             "| target | phase | req/s | p50 ms | p99 ms | non-2xx/errors |", "|---|---|---|---|---|---|"]
    for target, figures in results["targets"].items():
        for phase in PHASES:
            if phase in figures:
                lines.append(phase_row(target, phase, figures[phase]))
        lines.append(f"| {target} | RSS MB per worker | {figures['rss_mb_per_worker']} | | | |")
    for target in results["targets"]:
        checks = target_checks(results, target) if target != "blog-peer" else []
        if checks:
            lines += ["", f"## {target} against the targets", "", "| target | measured | met |", "|---|---|---|"]
            lines += [f"| {name} | {value} | {'yes' if met else 'NO'} |" for name, value, met in checks]
    return "\n".join(lines) + "\n"


def write_reports(results, directory):
    """Write latest.json and latest.md; return the Markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    (directory / "latest.md").write_text(text)
    return text
