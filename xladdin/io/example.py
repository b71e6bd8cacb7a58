"""The bundled example: the seed report (威海市人力资源和社会保障局 2024) as a filled workbook.

Built from the template and `examples/weihai-2024.json`; rebuild with

    python -m xladdin.io.example            # writes examples/威海市人力资源和社会保障局-2024.xlsx
    python -m xladdin.io.example OUT.xlsx   # somewhere else

A test rebuilds it and compares the content with the committed file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError
from ..report import Report

# Package data (xladdin/examples links to the repo's examples/), so a plain `pip install .` has it.
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_JSON = EXAMPLES / "weihai-2024.json"
EXAMPLE_XLSX = EXAMPLES / "威海市人力资源和社会保障局-2024.xlsx"


def example_report() -> Report:
    if not EXAMPLE_JSON.exists():
        raise InputError("找不到示例数据（安装不完整，请重新安装 xladdin）", path=str(EXAMPLE_JSON))
    report = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    report.source = ""
    return report


def build_example(path: str | Path = EXAMPLE_XLSX) -> Path:
    """Write the example workbook (template + example values, notes as cell comments)."""
    from .workbook import write_report

    write_report(example_report(), path)
    return Path(path)


def example_workbook() -> Path:
    """The committed example workbook; InputError when the source tree is not at hand."""
    if not EXAMPLE_XLSX.exists():
        raise InputError("找不到示例工作簿（安装不完整，请重新安装 xladdin）", path=str(EXAMPLE_XLSX))
    return EXAMPLE_XLSX


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = build_example(args[0] if args else EXAMPLE_XLSX)
    print(f"示例工作簿已生成：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
