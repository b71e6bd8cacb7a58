"""Atomic file writes: a temporary file in the target folder, then os.replace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"无法写入（{exc.strerror or exc}）", path=str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"无法写入（{exc.strerror or exc}）", path=str(target)) from exc
    return target


def atomic_move(source: str | Path, path: str | Path) -> Path:
    """Move a finished file (e.g. a rendered PDF) into place, same-folder rename last."""
    target = Path(path)
    return atomic_write(target, Path(source).read_bytes())
