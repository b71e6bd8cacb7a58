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


def refuse_overwriting(output: str | Path, inputs: list[str | Path], option: str = "输出文件") -> None:
    """Raise OutputError when writing `output` would replace one of the inputs: a findings
    workbook or an exported page must never land on the report it was made from."""
    from ..errors import OutputError
    from ..io.safety import same_file

    out = Path(output)
    if not out.exists():
        return
    for src in inputs:
        if Path(src).exists() and same_file(out, src):
            raise OutputError(f"{option}就是输入文件“{src}”，写出会覆盖它；请另指定输出文件", path=str(out))
