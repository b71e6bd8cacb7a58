"""The batch engine on a Dask distributed cluster (`xladdin audit … --scheduler tcp://HOST:8786`).

The same per-file work as on one machine: each Dask worker thread owns a sandbox (a child
process it may kill, audit.sandbox), so the time and memory limits and the isolation of a
crash hold on the cluster too; a worker's result comes back with `as_completed` and the client
writes it into the store, as the local engine does. A bounded number of files is in flight.

How the files reach the workers: by default the workers read the path the client gives (a
shared folder mounted at the same path everywhere); with `send_files` the client sends each
file's bytes with its task and the worker writes them to a temporary folder of its own (the
record names the client's path, not that copy).
"""

from __future__ import annotations

import dataclasses
import os
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import XladdinError, describe
from .engine import Limits, lost_record
from .runner import AuditRecord
from .sandbox import Result, Sandbox, Task, call

_local = threading.local()


def remote_audit(
    source: str, previous: Any, single: bool, data: bytes | None, last: tuple[str, bytes] | None,
    timeout: float, max_memory: float | None,
) -> tuple[AuditRecord | None, float, str]:
    """On a Dask worker: audit one file in this thread's sandbox; (record or None, seconds,
    why it was lost). `data`: the file's bytes (send_files), `last`: last year's file's path and
    bytes when it is a file of the batch sent along."""
    box = getattr(_local, "box", None)
    if box is None:
        box = _local.box = Sandbox(queue.Queue())
    if data is None:
        return call(box, Task(source, previous, single), timeout, max_memory)
    with tempfile.TemporaryDirectory(prefix="xladdin-") as folder:
        here = Path(folder, "this", Path(source).name)
        here.parent.mkdir()
        here.write_bytes(data)
        moved = {str(here): source}
        if last is not None:
            there = Path(folder, "last", Path(last[0]).name)
            there.parent.mkdir()
            there.write_bytes(last[1])
            previous, moved[str(there)] = str(there), last[0]
        record, seconds, why = call(box, Task(str(here), previous, single), timeout, max_memory)
    return (relocate(record, moved) if record is not None else None), seconds, why


def relocate(record: AuditRecord, moved: dict[str, str]) -> AuditRecord:
    """The record with the worker's copies named by the client's paths (in every text)."""

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            for copy, original in moved.items():
                value = value.replace(copy, original)
            return value
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    findings = [
        dataclasses.replace(f, **{k.name: fix(getattr(f, k.name)) for k in dataclasses.fields(f)
                                  if isinstance(getattr(f, k.name), str)})
        for f in record.findings
    ]
    return AuditRecord(fix(record.source), fix(record.meta), findings, fix(record.error), fix(record.previous),
                       fix(record.previous_notes))  # fmt: skip


class DaskPool:
    """Tasks to a Dask scheduler, results as they finish (the engine's Pool interface)."""

    def __init__(self, address: Any, limits: Limits, send_files: bool = False) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise XladdinError("在集群上审核需要 Dask：请先安装 pip install \"xladdin[cluster]\"") from None
        self.limits, self.send_files = limits, send_files
        try:
            if not isinstance(address, Client):
                _reachable(address)  # a refused connection is said at once, not after Dask's timeout
            self.client = address if isinstance(address, Client) else Client(address, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise XladdinError(f"无法连接 Dask 调度器“{address}”（{_why(exc)}）：请确认已运行 dask scheduler 且地址、端口正确") from None
        self.own = not isinstance(address, Client)

    def close(self) -> None:
        if self.own:
            self.client.close()

    def _submit(self, task: Task) -> Any:
        data = last = None
        previous = task.previous
        if self.send_files:
            data = _read(task.source)
            if isinstance(previous, str) and os.path.isfile(previous):
                last, previous = (previous, Path(previous).read_bytes()), None
        return self.client.submit(
            remote_audit, task.source, previous, task.single, data, last,
            self.limits.timeout_for(task.source), self.limits.max_memory, pure=False,
        )  # fmt: skip

    def results(self, tasks: Iterator[Task]) -> Iterator[Result]:
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        bound = max(8, 4 * threads)
        flying: dict[Any, Task] = {}
        done = as_completed()
        for task in tasks:
            fut = self._submit(task)
            flying[fut] = task
            done.add(fut)
            if len(flying) >= bound:
                break
        for fut in done:
            task = flying.pop(fut)
            try:
                record, seconds, why = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost (KilledWorker) or a task failed
                record, seconds, why = None, 0.0, f"cluster:{describe(exc)}"
            fut.release()
            if record is None:
                yield Result(task, lost_record(task.source, why, self.limits), seconds, why)
            else:
                yield Result(task, record, seconds)
            nxt = next(tasks, None)
            if nxt is not None:
                f = self._submit(nxt)
                flying[f] = nxt
                done.add(f)


def _why(exc: BaseException) -> str:
    import socket

    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝，该端口没有调度器"
    if isinstance(exc, socket.gaierror):
        return "找不到该主机"
    if isinstance(exc, TimeoutError):
        return "连接超时"
    return describe(exc)


def _reachable(address: str) -> None:
    """OSError when nothing listens at a tcp://HOST:PORT address."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        socket.create_connection((parts.hostname, parts.port), timeout=10).close()


def _read(path: str) -> bytes | None:
    """The file's bytes to send; None when it cannot be read here (the worker then reads the
    path and says why in Chinese, as for any missing file)."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


__all__ = ["DaskPool", "relocate", "remote_audit"]
