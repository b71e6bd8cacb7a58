"""Running a helper program (LibreOffice) so that nothing of it outlives the call.

`soffice` is a launcher script: it starts oosplash, which starts soffice.bin. Killing the
launcher on a timeout left soffice.bin running for minutes at 2.5 GB. The helper runs in a
process group of its own (`start_new_session`), and the whole group is killed on a timeout,
on Ctrl+C, and after a normal end (a straggler that kept running).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence


def run_in_group(
    cmd: Sequence[str],
    env: Mapping[str, str],
    timeout: float,
    tick: Callable[[], None] | None = None,
    poll: float = 0.5,
) -> subprocess.CompletedProcess:
    """Run `cmd` in its own process group; subprocess.TimeoutExpired after the group is killed.
    `tick()`, when given, is called about every `poll` seconds while it runs (progress)."""
    proc = subprocess.Popen(
        list(cmd), env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                # retrying communicate() after its timeout loses no output (subprocess docs)
                out, err = proc.communicate(timeout=max(0.01, min(left, poll) if tick else left))
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= deadline:
                    raise
                if tick:
                    tick()
    except BaseException:  # the timeout, or Ctrl+C: the group must not outlive us
        kill_group(proc)
        raise
    kill_group(proc)  # the launcher is done; anything it left in its group goes too
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group of `proc` (POSIX), else the process; then reap it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups of this kind
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass
