"""Findings and fill results on the terminal, in Chinese, with rich."""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table

from ..check import Finding, group_blanks, summary
from ..check.findings import DOUBT, HARD, counts
from ..report import Report
from .terminal import Text, console

SEVERITY_STYLE = {"强制": "bold red", "待核": "bold cyan", "提示": "yellow"}


def cells_text(f: Finding, limit: int = 4) -> str:
    """位置: where the quoted sentence is for a narrative finding, else the cells."""
    if f.where:
        return f.where
    span = _row_span(f)
    if span:
        return span
    shown = [c.address or c.key for c in f.cells[:limit]]
    more = f" 等{len(f.cells)}格" if len(f.cells) > limit else ""
    return "\n".join(shown) + more


def _row_span(f: Finding) -> str:
    """"表三!D8:I8（6 格）" for a group of cells on one sheet row, else ""."""
    addresses = [c.address for c in f.cells]
    if len(addresses) < 2 or not all(addresses):
        return ""
    cells = [re.fullmatch(r"(.+!)([A-Z]+)(\d+)", a) for a in addresses]
    if not all(cells) or len({(m.group(1), m.group(3)) for m in cells if m}) != 1:
        return ""
    first, last = cells[0], cells[-1]
    assert first and last
    return f"{first.group(0)}:{last.group(2)}{last.group(3)}（{len(cells)} 格）"


def show_findings(
    findings: list[Finding], report: Report | None = None, out: Console | None = None, coverage: str = ""
) -> None:
    """The findings as a table and the verdict; `coverage` names the rules that were not run
    (`xladdin check`), so that 通过 is never read as "every rule passed"."""
    out = out or console()
    findings = group_blanks(findings)  # blanks of a table row: one finding listing its cells
    if report is not None:
        title = report.meta.title if report.meta.agency else (report.source or "年报")
        out.print(Text(f"审核：{title}", style="bold"))
        if report.source and report.meta.agency:
            out.print(Text(f"文件：{report.source}", style="dim"))
    if findings:
        table = Table(show_lines=True, header_style="bold")
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置", overflow="fold", max_width=24)
        table.add_column("问题", overflow="fold")
        for f in findings:
            message = f.message
            if f.explanation:
                message += f"\n[已说明] {f.explanation}"
            table.add_row(
                Text(f.severity, style=SEVERITY_STYLE.get(f.severity, "")),
                f"{f.rule}\n{f.title}" if f.title else f.rule,
                cells_text(f),
                message,
            )
        out.print(table)
    n = counts(findings)
    style = "bold red" if n[HARD] else "bold cyan" if n[DOUBT] else ("yellow" if findings else "bold green")
    verdict = summary(findings)
    if coverage and not findings:
        verdict = "通过：已运行的规则未发现问题"
    out.print(Text(f"结论：{verdict}", style=style))
    if coverage:
        out.print(Text(coverage, style="dim"))
