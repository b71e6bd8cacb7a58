"""汇总: many reports -> one roll-up report, cell by cell (audit-practice §K: 汇总表 = 各下级表逐格相加).

Inputs are workbooks and published reports alike; they are read and checked in a process pool
(chunks of files per task), and an input that cannot be read becomes a source record with an
error, never a crash. The policy for what goes into the sums, in order:

1. 无法读取 — the input is listed with the reader's message and left out (exit code 2).
2. 年度不同 — a report whose year differs from the roll-up's year (``--year``, or else the most
   common year among the readable inputs, the later one on a tie) is left out: adding two
   years' figures is never right. A report without a year is included, with a note.
3. 强制错误 — a report with 强制 findings of ``xladdin.check.check`` is left out and listed with
   the rules that failed; with ``include_errors`` its valid cells are summed anyway.
4. 重复 — reports of the same agency (names compared without spaces and brackets) and year:
   one is summed — the first without 强制 errors, else the first — the others are left out.
   Two different agencies with identical non-zero tables are only noted (a copied file).
5. 不完整 — in an included report, a cell that is blank, text ("/", "无"…), negative or a
   fraction in a count makes that summed cell incomplete: the roll-up leaves the cell blank
   (so ``check`` flags it, never a silent 0), and says which reports and the partial sum.

Counts are summed as int, 万元 as exact Decimal. Every cell is summed as reported, totals
included; since the table identities are linear, the roll-up of reports that pass ``check``
passes ``check`` too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check import check
from ..check.findings import DOUBT, HARD, SOFT, blocking, counts
from ..errors import XladdinError, describe
from ..report import Meta, Report
from ..spec import SPEC
from ..values import Value, format_value, problem
from .crossyear import agency_key
from .pool import map_files

# Levels that a roll-up of a given level gathers (县 gathers its 部门 and 乡镇, 市 its 部门 and 县…).
LEVEL_RANK = {"部门": 0, "乡镇": 0, "县": 1, "市": 2, "省": 3}


@dataclass
class Source:
    """One input of the roll-up: what it is, whether it was summed and why (not)."""

    source: str
    agency: str = ""
    year: int | None = None
    level: str = ""
    included: bool = False
    reason: str = ""  # why it was left out ("" when included)
    notes: list[str] = field(default_factory=list)  # remarks that did not exclude it
    hard: int = 0  # 强制 findings
    pending: int = 0  # 待核 findings (the reading of a printed cell in doubt: never the agency's defect)
    soft: int = 0  # 提示 findings
    rules: list[str] = field(default_factory=list)  # ids of the 强制 rules that failed
    error: str = ""  # why it could not be read

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CellSum:
    key: str
    value: int | Decimal | None  # None when incomplete
    partial: int | Decimal  # sum of the valid contributions
    contributors: int = 0  # included reports with a valid number here
    incomplete: list[tuple[str, str]] = field(default_factory=list)  # (source, what it held)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": format_value(self.value) if self.value is not None else None,
            "partial": format_value(self.partial),
            "contributors": self.contributors,
            "incomplete": [{"source": s, "value": v} for s, v in self.incomplete],
        }


@dataclass
class Rollup:
    report: Report
    sources: list[Source]
    cells: dict[str, CellSum]
    year: int | None

    @property
    def included(self) -> list[Source]:
        return [s for s in self.sources if s.included]

    @property
    def incomplete(self) -> list[CellSum]:
        return [c for c in self.cells.values() if c.incomplete]

    @property
    def exit_code(self) -> int:
        """2 an input is unusable; 1 an input was left out (强制 errors, duplicate, other year)
        or a summed cell is incomplete; 0 every input summed, every cell complete."""
        if any(s.error for s in self.sources):
            return 2
        if any(not s.included for s in self.sources) or self.incomplete:
            return 1
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "report": self.report.to_dict(),
            "year": self.year,
            "sources": [s.to_dict() for s in self.sources],
            "incomplete": {c.key: c.to_dict() for c in self.incomplete},
        }


# --------------------------------------------------------------------------- reading


@dataclass
class _Read:
    """What a worker sends back: small and picklable (no Report, no findings text)."""

    source: Source
    values: dict[str, Value] | None = None


def read_one(path: str | Path) -> _Read:
    """Load and check one input; any failure becomes a Source with an error."""
    src = Source(str(path))
    try:
        report = _load(Path(path))
    except XladdinError as exc:
        src.error = str(exc)
        return _Read(src)
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop the roll-up
        src.error = f"文件“{path}”：读取失败（{describe(exc)}）"
        return _Read(src)
    return read_report_values(report, src)


def read_report_values(report: Report, src: Source | None = None) -> _Read:
    src = src or Source(report.source or report.meta.agency)
    src.agency, src.year, src.level = report.meta.agency, report.meta.year, report.meta.level
    try:
        findings = check(report)
    except Exception as exc:  # noqa: BLE001
        src.error = f"文件“{src.source}”：审核失败（{describe(exc)}）"
        return _Read(src)
    n = counts(findings)
    src.hard, src.pending, src.soft = n[HARD], n[DOUBT], n[SOFT]
    src.rules = sorted({f.rule for f in blocking(findings)})
    return _Read(src, {k: report.values.get(k) for k in SPEC.keys})


def _load(path: Path) -> Report:
    from ..load import load_report_fast

    return load_report_fast(path)


def read_all(
    paths: list[str | Path],
    jobs: int | None = None,
    chunksize: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[_Read]:
    """Read and check every input, in input order; `jobs` processes (1: in this process);
    `on_progress(done)`: files read so far."""
    return map_files(read_one, [str(p) for p in paths], _crashed, jobs, chunksize, on_progress)


def _crashed(path: str) -> _Read:
    return _Read(Source(path, error=f"文件“{path}”：读取时处理进程异常退出"))


# --------------------------------------------------------------------------- summing


def rollup_year(reads: list[_Read], year: int | None = None) -> int | None:
    """The roll-up's year: as given, else the most common year of the readable inputs."""
    if year is not None:
        return year
    years = Counter(r.source.year for r in reads if r.values is not None and r.source.year)
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


def decide(reads: list[_Read], year: int | None, level: str = "", include_errors: bool = False) -> None:
    """Mark each source included or not (policy steps 1–4 of the module docstring)."""
    candidates: list[Source] = []
    for r in reads:
        s = r.source
        if r.values is None:
            s.reason = "无法读取"
        elif year is not None and s.year is not None and s.year != year:
            s.reason = f"年度为 {s.year} 年，与汇总年度 {year} 年不同"
        elif s.hard and not include_errors:
            s.reason = f"有 {s.hard} 个强制错误（{'、'.join(s.rules)}），未计入"
        else:
            candidates.append(s)
    # Duplicates: one per agency and year — the first without 强制 errors, else the first.
    groups: dict[tuple[str, int | None], list[Source]] = {}
    for s in candidates:
        groups.setdefault((agency_key(s.agency), s.year), []).append(s)
    kept: dict[tuple[Value, ...], Source] = {}
    for (agency, _), group in groups.items():
        winner = min(group, key=lambda s: bool(s.hard)) if agency else None
        for s in group:
            if winner is not None and s is not winner:
                s.reason = f"与“{winner.source}”重复（同一机关、同一年度），未计入"
    rank = LEVEL_RANK.get(level)
    values = {id(r.source): r.values for r in reads}
    for s in candidates:
        if s.reason:
            continue
        s.included = True
        if year is not None and s.year is None:
            s.notes.append("未填报告年度，按本次汇总年度计入")
        if s.hard:
            s.notes.append(f"有 {s.hard} 个强制错误（{'、'.join(s.rules)}），按 --include-errors 计入其有效单元格")
        if not agency_key(s.agency):
            s.notes.append("未填机关名称，无法判断是否重复")
        if rank is not None and LEVEL_RANK.get(s.level, -1) >= rank:
            s.notes.append(f"层级为“{s.level}”，不低于汇总层级“{level}”，请确认没有重复汇总")
        table = tuple((values[id(s)] or {}).get(k) for k in SPEC.keys)
        if any(v not in (None, 0) for v in table) and table in kept:
            s.notes.append(f"表格数据与“{kept[table].source}”完全相同，请确认不是同一份报告")
        kept.setdefault(table, s)


def sum_cells(reads: list[_Read]) -> dict[str, CellSum]:
    """Cell-by-cell sums over the included sources (policy step 5)."""
    cells = {c.key: CellSum(c.key, None, Decimal(0) if c.kind == "amount" else 0) for c in SPEC.cells}
    kinds = {c.key: c.kind for c in SPEC.cells}
    for r in reads:
        if not r.source.included or r.values is None:
            continue
        for key, cell in cells.items():
            value = r.values.get(key)
            if problem(value, kinds[key]) is not None:
                cell.incomplete.append((r.source.source, format_value(value)))
                continue
            cell.partial += value  # type: ignore[operator]
            cell.contributors += 1
    for cell in cells.values():
        cell.value = None if cell.incomplete else cell.partial
    return cells


def rollup_reads(
    reads: list[_Read],
    agency: str = "汇总",
    year: int | None = None,
    level: str = "",
    include_errors: bool = False,
) -> Rollup:
    year = rollup_year(reads, year)
    decide(reads, year, level, include_errors)
    cells = sum_cells(reads)
    report = Report(meta=Meta(agency=agency, year=year, level=level))
    report.source = "汇总"
    for key, cell in cells.items():
        report.values[key] = cell.value
        if cell.incomplete:
            names = "、".join(Path(s).name for s, _ in cell.incomplete[:5])
            more = f"等 {len(cell.incomplete)} 份" if len(cell.incomplete) > 5 else ""
            report.notes[key] = (
                f"汇总不完整：{names}{more}此格为空白或无效数字；"
                f"其余 {cell.contributors} 份之和为 {format_value(cell.partial)}"
            )
    return Rollup(report, [r.source for r in reads], cells, year)


def rollup_reports(reports: list[Report], **kw: Any) -> Rollup:
    """Roll up Reports already in memory (sources named by Report.source or agency)."""
    return rollup_reads([read_report_values(r) for r in reports], **kw)


def rollup_paths(
    paths: list[str | Path],
    agency: str = "汇总",
    year: int | None = None,
    level: str = "",
    include_errors: bool = False,
    jobs: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Rollup:
    """Read the files (folders expanded, in parallel) and roll them up."""
    from .runner import expand_paths

    reads = read_all(expand_paths(paths), jobs, on_progress=on_progress)
    return rollup_reads(reads, agency, year, level, include_errors)


# --------------------------------------------------------------------------- output

SOURCE_SHEET, DETAIL_SHEET = "汇总来源", "汇总明细"
SOURCE_COLUMNS = (
    ("来源文件", 48), ("机关名称", 30), ("年度", 8), ("层级", 8), ("是否计入", 10),
    ("未计入原因", 44), ("备注", 44), ("强制", 8), ("待核", 8), ("提示", 8),
)
DETAIL_COLUMNS = (
    ("单元格键", 22), ("表格", 8), ("项目", 60), ("单位", 6), ("汇总值", 14),
    ("计入份数", 10), ("已知部分之和", 14), ("不完整：空白或无效的报告", 60),
)


def write_rollup(rollup: Rollup, path: str | Path) -> Path:
    """The roll-up as a filled template workbook (formulas and 校验 sheet working, so
    `xladdin check` runs on it), plus the sheets 汇总来源 and 汇总明细; saved atomically."""
    from ..fileio import atomic_write
    from ..io import write_report
    from ..io.cache import formula_results, write_results
    from ..io.cells import row
    from ..io.outputs import mark
    from ..io.sheets import set_filter, show, table_sheet
    from ..io.workbook import layout_of, open_workbook

    out = Path(path)

    def build(tmp: Path) -> None:
        base = tmp.with_name(tmp.stem + ".base.xlsx")
        try:
            write_report(rollup.report, base)
            wb = open_workbook(base)
            mark(wb, "rollup")
            ws = table_sheet(wb, SOURCE_SHEET, SOURCE_COLUMNS)
            for s in rollup.sources:
                ws.append(row(ws, [
                    s.source, s.agency, s.year, s.level, "是" if s.included else "否",
                    s.error or s.reason, "；".join(s.notes), s.hard, s.pending, s.soft,
                ]))
            set_filter(ws, SOURCE_COLUMNS, ws.max_row)
            ws = table_sheet(wb, DETAIL_SHEET, DETAIL_COLUMNS)
            for c in SPEC.cells:
                cs = rollup.cells[c.key]
                ws.append(row(ws, [
                    c.key, "表" + SPEC.table(c.table).number, c.label, "万元" if c.kind == "amount" else "件",
                    show(cs.value), cs.contributors, show(cs.partial),
                    "；".join(f"{Path(s).name}（{v}）" for s, v in cs.incomplete),
                ]))
            set_filter(ws, DETAIL_COLUMNS, ws.max_row)
            cache = formula_results(wb, layout_of(wb, str(base)))
            wb.save(tmp)
            write_results(tmp, cache)
        finally:
            base.unlink(missing_ok=True)

    return atomic_write(out, build)


__all__ = [
    "CellSum",
    "Rollup",
    "Source",
    "read_all",
    "read_one",
    "rollup_paths",
    "rollup_reads",
    "rollup_reports",
    "write_rollup",
]
