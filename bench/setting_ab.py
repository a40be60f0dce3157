"""taskapi as configured against taskapi with other settings, in alternating rounds of one wrk phase.

``python -m bench.setting_ab DB_POOL_SIZE=5,DB_MAX_OVERFLOW=10 [--phase list] [--rounds 3] [--database postgres]``

Each round serves both variants in turn on fresh, seeded databases (the order alternates), runs
the phase, and prints the rate, p99 and the server's CPU milliseconds per request (as
``bench.cpu_split``). Asserts nothing: the rounds' spread says how far to trust a difference.
"""

import argparse
import os
import tempfile
import time

from bench.cpu_split import measure
from bench.databases import fresh_database


def parse_settings(text):
    """``NAME=value,NAME=value`` as a dict."""
    return dict(item.split("=", 1) for item in text.split(",") if item)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("settings", type=parse_settings, help="the other variant's environment, NAME=value,...")
    parser.add_argument("--phase", choices=("list", "create"), default="list")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="postgres")
    args = parser.parse_args()
    variants = {"as configured": {}, ",".join(f"{k}={v}" for k, v in args.settings.items()): args.settings}
    original = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(args.rounds):
            for name in (list(variants) if number % 2 == 0 else list(reversed(variants))):
                os.environ.clear()
                os.environ.update({**original, **variants[name]})
                try:
                    with fresh_database(args.database, scratch, "taskapi") as url:
                        result, spent = measure("taskapi", url, args.phase, args.seconds)
                finally:
                    os.environ.clear()
                    os.environ.update(original)
                per_request = spent.get("server", 0) / max(result["requests"], 1) * 1000
                print(f"round {number + 1}, {name}: {result['rps']:.1f}/s, p99 {result['p99_ms']:.1f} ms, "
                      f"server {per_request:.2f} ms CPU per request", flush=True)
                time.sleep(1)


if __name__ == "__main__":
    main()
