"""One file audited in a child process that may be killed: the isolation of the batch engine.

A sandbox is a plain child interpreter (`python -m xladdin.audit.sandbox`) reading tasks and
writing results as length-prefixed pickles on its stdin/stdout. A plain subprocess (not
multiprocessing) so that a Dask worker, a daemonic process, may own one too, and so that the
same code runs on Windows. A reader thread turns the child's stdout into events on a queue,
which gives the owner a portable wait with a time limit: on a timeout, a memory overrun or a
crash (a native library's segfault) the child is killed and started again, and only the file
it was reading is lost.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, BinaryIO

_LEN = struct.Struct("<Q")
EOF = object()  # the child's stdout closed: it died, or was killed
READY = "ready"  # the child's first frame: imports done, the time limit of its first file starts now
STARTUP_GRACE = 60.0  # seconds a child may take to start (a loaded machine) before it counts as hung
CRASH_HOOK = "XLADDIN_TEST_CRASH_ON"  # tests only: a child exits hard on a file whose name holds this


def write_frame(out: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_LEN.pack(len(data)) + data)
    out.flush()


def read_frame(inp: BinaryIO) -> Any:
    head = inp.read(_LEN.size)
    if len(head) < _LEN.size:
        return EOF
    size = _LEN.unpack(head)[0]
    data = inp.read(size)
    if len(data) < size:
        return EOF
    return pickle.loads(data)


@dataclass
class Task:
    """One file for a sandbox: what audit_path takes, and where it came from."""

    source: str
    previous: Any = None  # last year's Report, a path, or None
    single: bool = False
    key: Any = None  # the caller's handle (the engine's bookkeeping), never sent to the child


@dataclass
class Result:
    task: Task
    record: Any  # AuditRecord
    seconds: float
    lost: str = ""  # "timeout" | "memory" | "crash" | "cluster:…": a worker did not finish it


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc; psutil elsewhere when installed)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - no way to measure: no memory watch
        return None


@dataclass
class Sandbox:
    """A child process auditing the tasks sent to it in order; events go to `events` as
    (sandbox, generation, payload) with payload a (record, seconds) pair or EOF."""

    events: queue.Queue
    pending: deque = field(default_factory=deque)  # tasks sent, in order; the head is being read
    started: float = 0.0  # when the head task began
    generation: int = 0
    killed_for: str = ""  # "timeout" | "memory": why the owner killed the child
    ready: bool = False  # the child has started (its start-up is not a file's time)
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.generation += 1
        self.killed_for = ""
        self.ready = False
        self.pending.clear()
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xladdin.audit.sandbox"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )  # fmt: skip
        threading.Thread(target=self._read, args=(self.proc, self.generation), daemon=True).start()

    def _read(self, proc: subprocess.Popen, generation: int) -> None:
        assert proc.stdout is not None
        while True:
            try:
                payload = read_frame(proc.stdout)
            except Exception:  # noqa: BLE001 - a torn frame is a dead child
                payload = EOF
            self.events.put((self, generation, payload))
            if payload is EOF:
                return

    def send(self, task: Task) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        if not self.pending:
            self.started = time.monotonic()
        self.pending.append(task)
        try:
            write_frame(self.proc.stdin, (task.source, task.previous, task.single))
        except (BrokenPipeError, OSError):
            pass  # the child is gone: its EOF event reports the head task

    def started_up(self) -> None:
        """The READY frame came: the head task (if any) begins now."""
        self.ready = True
        self.started = time.monotonic()

    def done(self) -> Task:
        """The head task has its result: the next one begins now."""
        task = self.pending.popleft()
        self.started = time.monotonic()
        return task

    def kill(self, why: str = "") -> None:
        self.killed_for = self.killed_for or why
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def stop(self) -> None:
        """Ask the child to exit, kill it if it does not at once."""
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                write_frame(proc.stdin, None)
                proc.stdin.close()
            proc.wait(timeout=2)
        except Exception:  # noqa: BLE001 - it goes either way
            proc.kill()
            proc.wait()

    def rss(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc is not None and self.proc.poll() is None else None


def call(box: Sandbox, task: Task, timeout: float, max_memory: float | None) -> tuple[Any, float, str]:
    """Audit one task in `box` synchronously (the cluster's way): (record or None, seconds,
    why it was lost: "" | "timeout" | "memory" | "crash"). The box is restarted after a loss."""
    if box.proc is None or box.proc.poll() is not None:
        box.start()
    box.send(task)
    t0 = time.monotonic()
    while True:
        try:
            _, gen, payload = box.events.get(timeout=0.5)
        except queue.Empty:
            payload, gen = None, box.generation
        if gen != box.generation:
            continue
        if payload is EOF:
            why = box.killed_for or "crash"
            box.start()
            return None, time.monotonic() - t0, why
        if payload == READY:
            box.started_up()
            t0 = time.monotonic()
            continue
        if payload is not None:
            box.done()
            record, seconds = payload
            return record, seconds, ""
        if time.monotonic() - t0 > timeout + (0 if box.ready else STARTUP_GRACE):
            box.kill("timeout")
        elif max_memory and (box.rss() or 0) > max_memory:
            box.kill("memory")


# --------------------------------------------------------------------------- the child


def main() -> None:
    """The child: read (source, previous, single) tasks, write (record, seconds) results."""
    out = os.fdopen(os.dup(1), "wb")  # results only; what libraries print goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the owner decides
    tasks: queue.Queue = queue.Queue()

    def drain(inp: BinaryIO) -> None:  # keeps the pipe empty: the owner never blocks on a send
        while True:
            task = read_frame(inp)
            tasks.put(task)
            if task is EOF or task is None:
                return

    threading.Thread(target=drain, args=(sys.stdin.buffer,), daemon=True).start()
    from .runner import audit_path  # import once: a warm worker audits in a few ms

    hook = os.environ.get(CRASH_HOOK)
    write_frame(out, READY)
    while True:
        task = tasks.get()
        if task is EOF or task is None:
            return
        source, previous, single = task
        if hook and hook in os.path.basename(source):
            os._exit(70)  # tests: a worker dying in the middle of a file
        t0 = time.perf_counter()
        record = audit_path(source, previous, single)
        write_frame(out, (record, time.perf_counter() - t0))


if __name__ == "__main__":
    main()
