"""Audit a list of files into a store: the office's loop before (and beside) the streaming
engine of `xladdin audit --db`. Each file's record goes into the store as it comes back; the
run ends 完成, or 中断 when stopped. A file whose content was audited under the same rules
is not audited again: its stored result counts for the run (store.reuse)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from ..audit.runner import audit_paths, expand_paths
from ..store import DONE, STOPPED, Store


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def audit_into(
    store: Store, paths: list[str | Path], jobs: int | None = None, chunk: int = 200,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Audit `paths` (folders expanded) into `store` as one run; returns the run id."""
    files = expand_paths(paths)
    run = store.begin_run({"paths": [str(p) for p in paths], "files": len(files)})
    done = 0
    try:
        hashes = {p: sha256_of(p) for p in files}
        todo = []
        for p in files:  # the same content under the same rules: its stored result stands (resume)
            if store.known(p, hashes[p]):
                store.reuse(run, p, hashes[p])
                done += 1
            else:
                todo.append(p)
        store.commit()
        for start in range(0, len(todo), chunk):
            part = todo[start:start + chunk]
            began = time.perf_counter()
            records = audit_paths(part, jobs=jobs)
            seconds = (time.perf_counter() - began) / max(1, len(part))
            for path, record in zip(part, records, strict=True):
                store.put(run, record, sha256=hashes[path], size=path.stat().st_size, seconds=seconds)
            store.commit()
            done += len(part)
            if on_progress is not None:
                on_progress(done)
    except BaseException:
        store.finish_run(run, STOPPED)
        raise
    store.finish_run(run, DONE)
    return run


__all__ = ["audit_into", "sha256_of"]
