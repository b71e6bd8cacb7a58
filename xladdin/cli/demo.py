"""`xladdin demo [-o OUT_DIR]` — the main job on the bundled example: 运算 + 审核, outputs in a folder."""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

from ..check import blocking, check, summary
from ..errors import OutputError, os_reason
from ..fill import fill
from ..values import format_value
from .findings_view import show_findings
from .inputs import free_name
from .terminal import Text, console

DEFAULT_DIR = "xladdin-demo-输出"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="演示：对自带示例（威海市人社局 2024 年报）运算并审核，结果写入输出文件夹",
        description="用随软件提供的示例（威海市人力资源和社会保障局 2024 年度报告）走一遍主流程："
        "读取示例工作簿，运算（由细项填合计）、审核，导出 Word、HTML、Markdown（装有 LibreOffice 时还有 PDF），"
        "再读取同一报告的发布稿文本并审核。写入输出文件夹的有：填好的工作簿（…-已填充.xlsx）、"
        "问题清单（审核结果.xlsx）、审核摘要（审核摘要.md）和导出的文件；文件夹中已有同名文件时改用“名称-2”等新名称，"
        "不替换任何已有文件。只读取自带示例，不读取也不改动你的文件。"
        "退出码：0 示例无强制错误，1 有强制错误，2 无法运行。",
    )
    p.add_argument("-o", "--output", metavar="输出文件夹", default=DEFAULT_DIR, help=f"默认：./{DEFAULT_DIR}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = Path(args.output)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{os_reason(exc)}）", path=str(folder)) from exc
    try:
        return _run(folder)
    except BaseException:
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # never leave an empty folder behind a failed demo
        raise


def _run(folder: Path) -> int:
    from ..io import read_report, write_report
    from ..io.example import EXAMPLE_XLSX, build_example, example_report
    from ..io.findings_xlsx import summary_text, write_findings

    source = EXAMPLE_XLSX
    if not source.exists():  # installed without the source tree's workbook: build it
        example_report()  # raises a clear InputError when the example data is missing too
        source = build_example(free_name(folder, EXAMPLE_XLSX.stem, EXAMPLE_XLSX.suffix))
    out = console()
    report = read_report(source)
    out.print(Text(f"示例：{report.meta.title}", style="bold"))
    out.print(f"读取：{source}（{len(report.values)} 个数据格，{len(report.formulas)} 个合计格为公式）")

    result = fill(report)
    # Every name here is the demo's, not the user's: a file already in the folder is never
    # replaced (free_name picks 名称-2…), and each name used is printed.
    filled = free_name(folder, f"{source.stem}-已填充", ".xlsx")
    write_report(report, filled, base=source, keys=result.changed)
    out.print(f"运算：{len(report.formulas)} 个合计格为公式（已按细项核算）；{result.summary()} → {filled}")

    findings = check(report)
    findings_path = write_findings(findings, free_name(folder, "审核结果", ".xlsx"), report)
    summary_path = free_name(folder, "审核摘要", ".md")
    _write_text(summary_path, summary_text(findings, report))
    show_findings(findings, report=None, out=out)
    out.print(f"问题清单：{findings_path}")
    out.print(f"审核摘要：{summary_path}")

    # Show what a finding looks like: one typed number changed by +1 (formula totals follow,
    # as in Excel), in memory only.
    key = "t3.open.natural"
    value = report.values.get(key)
    if isinstance(value, int):
        changed = copy.deepcopy(report)
        changed.values[key] = value + 1
        fill(changed)
        sample = blocking(check(changed))
        if sample:
            out.print(
                Text(
                    f"\n示范（仅演示，不写入文件）：若把 {report.address(key)}“{report.spec.cell(key).short}”"
                    f"由 {format_value(value)} 改为 {format_value(value + 1)}，审核将报告 {len(sample)} 处强制错误，例如：",
                    style="dim",
                )
            )
            out.print(Text(f"  {sample[0].rule} {sample[0].message}", style="dim"))
    _export(report, folder, source.stem, out)
    _audit_published(out)
    out.print(Text(f"完成：{summary(findings)}。输出文件夹：{folder.resolve()}", style="bold"))
    return 1 if blocking(findings) else 0


def _export(report, folder: Path, stem: str, out) -> None:
    """导出: the published document in every format; PDF only where LibreOffice is installed."""
    from ..errors import XladdinError
    from ..export import export
    from ..export.pdf import find_soffice

    written = [export(report, fmt, free_name(folder, stem, f".{fmt}")) for fmt in ("docx", "html", "md")]
    try:
        find_soffice()
    except XladdinError as exc:
        out.print(Text(f"导出：未生成 PDF（{exc}）", style="yellow"))
    else:
        written.append(export(report, "pdf", free_name(folder, stem, ".pdf")))
    out.print(f"导出：{'、'.join(p.name for p in written)}")


def _audit_published(out) -> None:
    """The supervising office's door: the same report as published text, read back and audited."""
    from ..audit import audit
    from ..ingest import read_published
    from ..io.example import EXAMPLE_XLSX

    text = EXAMPLE_XLSX.with_name(f"{EXAMPLE_XLSX.stem}-发布稿.txt")
    if not text.exists():
        return
    published = read_published(text)
    repaired = len((published.observed.get("repair") or {}).get("repaired", []))
    findings = audit(published)
    out.print(
        f"审核发布稿：{text.name} 读出 200 格（修复 {repaired} 格），文字、结构与表格核对：{summary(findings)}"
    )


def _write_text(path: Path, text: str) -> None:
    from ..io.save import save_atomic

    save_atomic(lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), path)
