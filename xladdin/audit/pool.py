"""Many files in a process pool, in input order (the batch audit and the roll-up).

Files are handed out in chunks. When a worker dies (a native PDF library crashing on one
file), every file is redone in a process of its own, so the others still get their result
and the culprit is named by `crashed(task)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def map_files(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    crashed: Callable[[T], R],
    jobs: int | None = None,
    chunksize: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[R]:
    """[fn(t) for t in tasks] in `jobs` processes (default: the CPU count, at most 8); 1 job
    or a single task runs in this process. `fn` must be picklable (a module-level function).
    `on_progress(done)` is called with the number of results so far, in input order."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    tick = on_progress or _nothing
    if jobs == 1 or len(tasks) <= 1:
        return _collect((fn(t) for t in tasks), tick)
    chunksize = chunksize or max(1, min(32, len(tasks) // (jobs * 4)))
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            return _collect(pool.map(fn, tasks, chunksize=chunksize), tick)
    except BrokenProcessPool:
        tick(0)  # every file is redone, one process each
        return _collect((_isolated(fn, t, crashed) for t in tasks), tick)


def _collect(results: Iterable[R], tick: Callable[[int], None]) -> list[R]:
    out: list[R] = []
    for r in results:
        out.append(r)
        tick(len(out))
    return out


def _nothing(done: int) -> None:
    return None


def _isolated(fn: Callable[[T], R], task: T, crashed: Callable[[T], R]) -> R:
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, task).result()
    except BrokenProcessPool:
        return crashed(task)
