"""The statistics and the report lines every benchmark prints (and the load test)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    """Median, p90, p99, mean, min and max of durations in seconds, as milliseconds."""
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "median": statistics.median(ms),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
        "min": min(ms),
        "max": max(ms),
    }


def format_summary(label: str, s: dict[str, float]) -> str:
    return (
        f"{label:<28} n={int(s['n']):<4} median {s['median']:7.2f}  p90 {s['p90']:7.2f}  "
        f"p99 {s['p99']:7.2f}  mean {s['mean']:7.2f}  min {s['min']:7.2f}  "
        f"max {s['max']:7.2f}  (ms)"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def machine_line() -> str:
    """Load average and CPUs: the figures mean little without them."""
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return f"{stamp}  cpus={os.cpu_count()}  load average (1/5/15 min): {load}"
