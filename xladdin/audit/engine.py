"""The batch engine: files stream through sandboxed workers into the results store.

- **Streaming.** Paths are hashed and handed out lazily; each result goes to the store as it
  comes (committed every `COMMIT_EVERY` files or `COMMIT_SECONDS`), nothing is held to the end:
  the parent's memory is the same at 1,000 files as at 100,000.
- **Resume.** A file whose content (sha256) is already stored under the same rules is not
  audited again (`store.known` / `store.reuse`); a changed file is. A file stopped by a limit
  (size, time, memory, a crashed worker) is stored without a hash, so a rerun tries it again.
- **Isolation.** Workers are sandboxes (audit.sandbox): a crash, a file over the time limit or a
  worker over the memory limit costs that file only (a record with a Chinese error); the worker
  is started again and the run goes on.
- **Fair sharing.** A file over `max_size`, or a workbook whose sheets are far larger than the
  template's, is refused before any worker reads it.
- **Last year.** A folder audit without --previous pairs each report with the same agency's
  report of the year before found in the run (lastyear.pairs, by canonical name and year), in a
  second pass over the store: only the files whose pairing changed are audited again.

The same work runs on a Dask cluster (audit.cluster) through the `results(tasks)` interface of
`LocalPool`.
"""

from __future__ import annotations

import hashlib
import queue
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .runner import AuditRecord
from .sandbox import EOF, READY, STARTUP_GRACE, Result, Sandbox, Task

DEFAULT_TIMEOUT = 120.0  # seconds a file: workbooks and texts take well under a second
PDF_TIMEOUT = 900.0  # a PDF may be a scan read by OCR (~6 s a page): up to ~150 pages
DEFAULT_MAX_SIZE = 200 * 2**20  # bytes; a scanned report of 100 pages is ~50 MB
DEFAULT_MAX_MEMORY = 3072.0  # MB of resident memory a worker may take (OCR of a big page ~1 GB)
SHEET_LIMIT = 16 * 2**20  # bytes of one worksheet's XML; the template's largest is ~64 KB
TEMPLATE_SHEET = 64 * 1024
COMMIT_EVERY = 200
COMMIT_SECONDS = 0.5  # WAL with synchronous=NORMAL: a commit does not wait for the disk
DEPTH = 2  # tasks queued per worker: the next file is there when one ends
WATCH_SECONDS = 0.5  # how often workers' memory is looked at


@dataclass(frozen=True)
class Limits:
    timeout: float | None = None  # None: DEFAULT_TIMEOUT, PDF_TIMEOUT for PDFs
    max_size: int = DEFAULT_MAX_SIZE
    max_memory: float | None = DEFAULT_MAX_MEMORY  # MB; None or 0: no watch

    def timeout_for(self, source: str) -> float:
        if self.timeout:
            return self.timeout
        return PDF_TIMEOUT if source.lower().endswith(".pdf") else DEFAULT_TIMEOUT


def lost_record(source: str, why: str, limits: Limits) -> AuditRecord:
    """The record of a file a worker did not finish, with the reason in Chinese."""
    if why == "timeout":
        error = f"文件“{source}”：审核超过 {_num(limits.timeout_for(source))} 秒，已跳过（可用 --timeout 放宽时限）"
    elif why == "memory":
        error = f"文件“{source}”：审核时内存超过上限 {_num(limits.max_memory or 0)} MB，已跳过（可用 --max-memory 放宽）"
    elif why.startswith("cluster:"):
        error = f"文件“{source}”：集群处理失败（{why[8:]}）"
    else:
        error = f"文件“{source}”：读取时处理进程异常退出"
    return AuditRecord(source, error=error)


def _num(x: float) -> str:
    return f"{x:g}"


def refusal(path: Path, size: int, limits: Limits) -> str:
    """Why a file may not reach a worker (its size, or a workbook's sheets far larger than the
    template's, seen in the zip directory without inflating anything); "" when it may."""
    source = str(path)
    if size > limits.max_size:
        return (f"文件“{source}”：文件大小 {size / 2**20:.1f} MB，超过上限 {limits.max_size / 2**20:g} MB，"
                "未审核（可用 --max-size 放宽）")  # fmt: skip
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.filename.lower().startswith("xl/worksheets/") and info.file_size > SHEET_LIMIT:
                        return (
                            f"文件“{source}”：工作表部件“{info.filename}”解压后 {info.file_size / 2**20:.1f} MB，"
                            f"远大于模板（约 {TEMPLATE_SHEET // 1024} KB），为免占用过多内存未审核"
                        )
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return ""  # the reader names what is wrong with it
    return ""


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class Pool(Protocol):
    def results(self, tasks: Iterator[Task]) -> Iterator[Result]: ...


class LocalPool:
    """`jobs` sandboxes on this machine, fed from a lazy task iterator, results as they finish."""

    def __init__(self, jobs: int, limits: Limits) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits

    def results(self, tasks: Iterator[Task]) -> Iterator[Result]:
        events: queue.Queue = queue.Queue()
        boxes = [Sandbox(events) for _ in range(self.jobs)]
        backlog: list[Task] = []  # files queued behind one a dead worker was reading
        exhausted = False

        def next_task() -> Task | None:
            nonlocal exhausted
            if backlog:
                return backlog.pop()
            if exhausted:
                return None
            task = next(tasks, None)
            exhausted = task is None
            return task

        first = next(tasks, None)  # no worker is started for nothing to do (the pairing pass)
        if first is None:
            return
        backlog.append(first)
        watched = time.monotonic()
        try:
            for box in boxes:
                box.start()
            while True:
                for box in boxes:
                    while len(box.pending) < DEPTH and (task := next_task()) is not None:
                        box.send(task)
                if exhausted and not backlog and not any(b.pending for b in boxes):
                    return
                try:
                    box, generation, payload = events.get(timeout=0.2)
                except queue.Empty:
                    box = None
                if box is not None and generation == box.generation:
                    if payload == READY:
                        box.started_up()
                    elif payload is EOF:
                        lost = list(box.pending)
                        why, seconds = box.killed_for or "crash", time.monotonic() - box.started
                        box.start()
                        backlog.extend(reversed(lost[1:]))
                        if lost:
                            yield Result(lost[0], lost_record(lost[0].source, why, self.limits), seconds, why)
                    else:
                        record, seconds = payload
                        yield Result(box.done(), record, seconds)
                now = time.monotonic()
                for b in boxes:
                    if not b.pending or b.killed_for:
                        continue
                    limit = self.limits.timeout_for(b.pending[0].source) + (0 if b.ready else STARTUP_GRACE)
                    if now - b.started > limit:
                        b.kill("timeout")
                if self.limits.max_memory and now - watched > WATCH_SECONDS:
                    watched = now
                    for b in boxes:
                        if b.pending and not b.killed_for and (b.rss() or 0) > self.limits.max_memory:
                            b.kill("memory")
        finally:
            for b in boxes:
                b.kill()
            for b in boxes:
                if b.proc is not None:
                    b.proc.wait()


@dataclass
class Tally:
    """What a run did, file by file, counted as it goes (nothing else is kept)."""

    files: int = 0
    audited: int = 0
    reused: int = 0
    refused: int = 0
    lost: int = 0  # over the time or memory limit, or a crashed worker
    again: int = 0  # audited a second time with last year's report
    seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)


class _Writer:
    """Puts records into the store and commits in batches."""

    def __init__(self, store: Any, run: int) -> None:
        self.store, self.run = store, run
        self.since, self.last = 0, time.monotonic()

    def put(self, record: AuditRecord, sha256: str, size: int, seconds: float) -> None:
        self.store.put(self.run, record, sha256=sha256, size=size, seconds=seconds)
        self.tick()

    def reuse(self, path: str, sha256: str) -> None:
        self.store.reuse(self.run, path, sha256)
        self.tick()

    def tick(self) -> None:
        self.since += 1
        if self.since >= COMMIT_EVERY or time.monotonic() - self.last > COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        self.store.commit()
        self.since, self.last = 0, time.monotonic()


def run_engine(
    store: Any,
    run: int,
    paths: Iterable[str | Path],
    total: int,
    *,
    previous: Any = None,
    pool: Pool,
    limits: Limits = Limits(),
    on_progress: Callable[[int], None] | None = None,
    on_record: Callable[[AuditRecord], None] | None = None,
) -> Tally:
    """Audit `paths` (`total` of them) into `store` under `run`; the run is finished "完成",
    or "中断" when interrupted (KeyboardInterrupt is raised again after the store is consistent).
    `previous`: --previous (a Report or a folder path); without it, last year's reports are
    paired within the run. `on_record(record)`: every record audited in this run."""
    tally = Tally(files=total)
    writer = _Writer(store, run)
    single = total == 1
    resume = previous is None  # a stored record says nothing of which --previous it was made with
    tick = on_progress or (lambda done: None)
    done = 0
    meta_of: dict[str, tuple[str, int]] = {}

    def tasks() -> Iterator[Task]:
        nonlocal done
        for raw in paths:
            path = Path(raw)
            source = str(raw)
            try:
                st = path.stat()
                size = st.st_size if stat.S_ISREG(st.st_mode) else -1
            except OSError:
                size = -1  # missing, a folder, a device, a pipe: never opened here, the reader says why
            why = refusal(path, size, limits) if size >= 0 else ""
            if why:
                tally.refused += 1
                writer.put(AuditRecord(source, error=why), "", size, 0.0)
                done += 1
                tick(done)
                continue
            try:
                digest = sha256_of(path) if size >= 0 else ""
            except OSError:
                digest = ""
            if resume and digest and store.known(source, digest):
                tally.reused += 1
                writer.reuse(source, digest)
                done += 1
                tick(done)
                continue
            meta_of[source] = (digest, max(size, 0))
            yield Task(source, previous, single)

    def step() -> None:
        nonlocal done
        done += 1
        tick(done)

    try:
        _drain(pool.results(tasks()), writer, meta_of, tally, on_record, step)
        writer.commit()
        if previous is None and total > 1:
            _pair_again(store, run, pool, writer, limits, tally, on_record)
        writer.commit()
        store.finish_run(run, "完成")
        store.commit()
    except BaseException:
        # Ctrl-C (or SIGTERM made one) may come between the statements of one file's put: the
        # batch in progress is dropped, never committed half-written; the run is marked 中断.
        if store.conn.in_transaction:
            store.conn.execute("ROLLBACK")
        store.conn.execute("BEGIN")
        store.finish_run(run, "中断")
        raise
    tally.seconds = time.monotonic() - tally.started
    return tally


def _drain(results: Iterator[Result], writer: _Writer, meta_of: dict, tally: Tally,
           on_record: Callable[[AuditRecord], None] | None, step: Callable[[], None]) -> None:
    for result in results:
        digest, size = meta_of.pop(result.task.source, ("", 0))
        record = result.record
        tally.lost += bool(result.lost)
        tally.audited += not result.lost
        writer.put(record, "" if result.lost else digest, size, result.seconds)  # no hash: a rerun retries it
        if on_record is not None:
            on_record(record)
        step()


def _pair_again(store: Any, run: int, pool: Pool, writer: _Writer, limits: Limits, tally: Tally,
                on_record: Callable[[AuditRecord], None] | None) -> None:
    """Audit again, with last year's report, the files of this run whose pairing changed."""
    from ..store.pairs import changed_pairs

    meta_of: dict[str, tuple[str, int]] = {}

    def tasks() -> Iterator[Task]:
        for source, last, digest, size in changed_pairs(store, run):
            meta_of[source] = (digest, size)
            tally.again += 1
            yield Task(source, last or None, bool(last))

    _drain(pool.results(tasks()), writer, meta_of, Tally(), on_record, lambda: None)


__all__ = ["DEFAULT_MAX_MEMORY", "DEFAULT_MAX_SIZE", "DEFAULT_TIMEOUT", "Limits", "LocalPool", "Tally", "run_engine"]
