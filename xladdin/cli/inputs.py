"""Loading inputs for the read-only commands (check, dump).

Workbooks go through the calamine reader: the same Report as `xladdin.io.read_report`
(tests compare the two on several files) without importing openpyxl and numpy, which
cost more than half a second of start-up. Everything else goes through `load_report`.
"""

from __future__ import annotations

from pathlib import Path

from ..load import load_report
from ..report import Report

FAST_SUFFIXES = {".xlsx", ".xlsm"}


def load(path: str | Path) -> Report:
    p = Path(path)
    if p.suffix.lower() in FAST_SUFFIXES and p.is_file():
        from ..io.fast import read_report_fast

        return read_report_fast(p)
    return load_report(p)
