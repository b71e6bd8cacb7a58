"""Audit a list of files into a store as one run: the office's ribbon button 批量审核 and its
tests go through the same streaming engine as `xladdin audit --db` (sandboxed workers with time
and memory limits, resume by content hash, last year paired within the run)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..audit.engine import Limits, LocalPool, run_engine
from ..audit.pool import default_jobs
from ..audit.runner import expand_paths
from ..store import Store


def audit_into(
    store: Store, paths: list[str | Path], jobs: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Audit `paths` (folders expanded) into `store` as one run; returns the run id. A file
    whose content was audited under the same rules keeps its stored result (store.reuse)."""
    files = [str(p) for p in expand_paths(paths)]
    run = store.begin_run({"paths": [str(p) for p in paths], "files": len(files)})
    pool = LocalPool(default_jobs() if jobs is None else max(1, jobs), Limits())
    run_engine(store, run, files, len(files), pool=pool, on_progress=on_progress)
    return run


__all__ = ["audit_into"]
