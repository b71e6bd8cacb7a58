"""Kept because `xladdin.excel.actions` imports `atomic_write` from here; use `xladdin.fileio`."""

from __future__ import annotations

from ..fileio import atomic_write

__all__ = ["atomic_write"]
