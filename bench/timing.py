"""One timing helper for every bench script (run as `python bench/<name>.py`, so this folder
is on sys.path): the first call is timed on its own (imports, caches, compiled regexes), then
`repeat` calls give the median and the best."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    first_ms: float
    median_ms: float
    best_ms: float


def measure(fn: Callable[[], object], repeat: int) -> Timing:
    t = time.perf_counter()
    fn()
    first = (time.perf_counter() - t) * 1000
    runs = []
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return Timing(first, statistics.median(runs), min(runs))
