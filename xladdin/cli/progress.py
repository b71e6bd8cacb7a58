"""Progress of the long jobs (batch audit, roll-up, export of many files, batch PDF): one rich
bar on stderr with the count, the rate and the time left — only when stderr is a terminal and
--quiet was not given; otherwise nothing at all (a log file or a pipe stays clean).

The core takes a plain callback `on_progress(done)` (the number of items finished so far,
absolute, so that a redo after a crashed worker simply starts again from 0).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

OnProgress = Callable[[int], None]


def add_quiet(parser: argparse.ArgumentParser) -> None:
    """The --quiet option of every command that shows progress."""
    parser.add_argument("-q", "--quiet", action="store_true", help="不显示进度条（输出到终端以外时本来就不显示）")


class RateColumn(ProgressColumn):
    """"3.2 个/秒"."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} {self.unit}/秒", style="progress.data.speed")


class RemainingColumn(TimeRemainingColumn):
    def render(self, task: Task) -> Text:
        return Text("剩余 ") + super().render(task)


def _nothing(done: int) -> None:
    return None


@contextmanager
def progress(
    total: int, what: str, *, quiet: bool = False, unit: str = "个", console: Console | None = None
) -> Iterator[OnProgress]:
    """A callback `on_progress(done)` that moves a bar "what ━━━ 12/40 3.2 个/秒 剩余 0:00:09"
    on stderr while the block runs; a no-op when quiet, when stderr is not a terminal, or for
    fewer than two items."""
    if console is None:
        from .terminal import console as make_console

        console = make_console(stderr=True)
    out = console
    if quiet or total < 2 or not out.is_terminal:
        yield _nothing
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        RemainingColumn(),
        console=out,
        transient=True,  # the command's own output follows; the bar has done its job
    )
    task = bar.add_task(what, total=total)
    with bar:
        yield lambda done: bar.update(task, completed=done)


__all__ = ["OnProgress", "add_quiet", "progress"]
