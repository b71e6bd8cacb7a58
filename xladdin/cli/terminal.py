"""Everything a command prints goes through here: no control character from a report, a
file name or a message reaches the terminal raw.

`textsafety.visible` is the rule (ESC, CR, C1, bidi overrides… become `\\u001b`); this module
applies it in the two places text leaves the process:
- plain `print()` to stdout/stderr: `main()` wraps both streams in `VisibleStream` for the run;
- rich (tables, colours, the progress bar): the console writes to the unwrapped stream, so its
  own colour codes pass, and escapes the text of every segment it renders (a render hook) and
  every string handed to `print`; `Text` escapes its text before rich would silently drop
  CR, VT, FF, BS and BEL. Rich markup is off: "[/]" or "[link=…]" in a report is text.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment
from rich.text import Text as RichText

from ..textsafety import visible


class Text(RichText):
    """rich's Text with its text made visible first (rich strips five controls silently)."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(visible(text), *args, **kwargs)


class VisibleStream(io.TextIOBase):
    """A text stream that writes `visible(s)` to the stream it wraps."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, s: str) -> int:
        self.raw.write(visible(s))
        return len(s)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)


def unwrapped(stream: TextIO) -> TextIO:
    return stream.raw if isinstance(stream, VisibleStream) else stream  # type: ignore[return-value]


@contextmanager
def visible_output() -> Iterator[None]:
    """stdout and stderr escape control characters while the block runs (the command)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = VisibleStream(unwrapped(sys.stdout))  # type: ignore[assignment]
    sys.stderr = VisibleStream(unwrapped(sys.stderr))  # type: ignore[assignment]
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = saved


class _Visible:
    """A renderable rendered as the one it wraps, with the text of its segments made visible
    (rich's own control segments — cursor moves of the progress bar — pass)."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for seg in console.render(self.inner, options):
            yield seg if seg.control else Segment(visible(seg.text), seg.style)


class _VisibleHook(RenderHook):
    def process_renderables(self, renderables: list[RenderableType]) -> list[RenderableType]:
        return [_Visible(r) for r in renderables]


class SafeConsole(Console):
    """The console of every command: markup off, no highlighting, visible text."""

    def __init__(self, stderr: bool = False, **kwargs: Any) -> None:
        stream = unwrapped(sys.stderr if stderr else sys.stdout)
        kwargs.setdefault("highlight", False)
        kwargs.setdefault("soft_wrap", True)
        super().__init__(file=stream, markup=False, emoji=False, **kwargs)
        self.push_render_hook(_VisibleHook())

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **kwargs)

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError  # handled once, in xladdin.cli.main, for print() and rich alike


def console(stderr: bool = False) -> Console:
    return SafeConsole(stderr=stderr)


__all__ = ["SafeConsole", "Text", "VisibleStream", "console", "visible", "visible_output"]
