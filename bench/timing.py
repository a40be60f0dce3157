"""Interleaved timing of two kinds of request, for the no-enumeration benchmarks."""

import statistics
import time


def compare(first, second, tries):
    """Time ``first`` and ``second`` (label, call) alternately ``tries`` times; print medians and ratio."""
    samples = {first[0]: [], second[0]: []}
    for _ in range(tries):
        for label, call in (first, second):
            started = time.perf_counter()
            call()
            samples[label].append(time.perf_counter() - started)
    medians = {label: statistics.median(values) * 1000 for label, values in samples.items()}
    for label, median in medians.items():
        print(f"{label + ':':<16} median {median:.2f} ms over {tries}")
    print(f"ratio {second[0]}/{first[0]}: {medians[second[0]] / medians[first[0]]:.3f}")
