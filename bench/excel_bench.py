"""Excel layer benchmark: building the add-in, and each ribbon action on the example workbook
through the file implementation (what `xladdin addin run` does), against the naive way of
reading the same 200 cells (openpyxl, cell by cell through the defined names, no caching).

    python bench/excel_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import measure  # noqa: E402

from xladdin.excel.actions import run  # noqa: E402
from xladdin.excel.build import build  # noqa: E402
from xladdin.excel.filebook import FileBook  # noqa: E402
from xladdin.excel.ovba import compress  # noqa: E402
from xladdin.excel.vba import project_modules  # noqa: E402
from xladdin.spec import SPEC  # noqa: E402

EXAMPLE = sorted((ROOT / "examples").glob("*.xlsx"))[0]


def timed(fn, repeat: int) -> float:  # noqa: ANN001
    return measure(fn, repeat).median_ms


def naive_read(path: Path) -> dict:
    """openpyxl, resolving each defined name with its own lookup (what a quick script does)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for cell in SPEC.cells:
        dest = next(wb.defined_names[cell.xl_name].destinations)
        out[cell.key] = wb[dest[0]][dest[1].replace("$", "")].value
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print(f"build xlam + xlsm           {timed(lambda: build(d / 'dist'), args.repeat):8.1f} ms")
        code = "\n".join(m.code for m in project_modules()).encode("ascii")
        print(f"compress VBA ({len(code) // 1024} KB)        {timed(lambda: compress(code), args.repeat):8.1f} ms")
        path = d / "a.xlsx"
        print(f"naive read 200 cells        {timed(lambda: naive_read(EXAMPLE), args.repeat):8.1f} ms")
        print(f"FileBook.read_report        {timed(lambda: FileBook(EXAMPLE).read_report(), args.repeat):8.1f} ms")
        for cid in ("xladdin_fill", "xladdin_check", "xladdin_clear"):
            def once(cid: str = cid) -> None:
                shutil.copy(EXAMPLE, path)
                run(cid, FileBook(path))
            print(f"{cid:<27} {timed(once, args.repeat):8.1f} ms  (load + action + atomic save)")


if __name__ == "__main__":
    main()
