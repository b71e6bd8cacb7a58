"""The audit of one report (table + narrative + structure + cross-year rules) and of many files.

`audit(report, previous)` is pure. `audit_paths` loads and audits many files, in a process
pool when there are several (files are handed out in chunks; a file that cannot be read, or
that trips a bug in a reader, becomes a record with an "error", never a crash of the batch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..check import Finding, check
from ..check.findings import DOUBT, HARD, SOFT, advisory, counts, group_blanks
from ..errors import XladdinError, describe
from ..report import Report
from . import lastyear
from .crossyear import check_similarity, files_in, previous_in, previous_misfit, with_t2c_reason
from .pool import map_files
from .structure import check_structure
from .textchecks import check_text


def audit(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every rule on one report: 表内 (E1, T3-*, T4-*, *-N, F1), 文表 (X1–X6), 结构 (S1–S4, S6),
    and with last year's report 跨期 (Y1, T2-C, S5). 强制 first."""
    # check() runs Y1/T2-C with `previous`, or else with the workbook's 上年数据 (report.previous)
    findings = with_t2c_reason(report, check(report, previous)) + check_text(report) + check_structure(report)
    if previous is not None:
        findings += check_similarity(report, previous)
    findings.sort(key=Finding.sort_key)
    return findings


@dataclass
class AuditRecord:
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    error: str = ""  # why the input could not be audited
    previous: str = ""  # last year's report used for the 跨期 rules, if any
    previous_notes: list[str] = field(default_factory=list)  # why last year's report was not used

    @property
    def shown(self) -> list[Finding]:
        """The findings as people read them: blanks of a table row grouped (group_blanks)."""
        return group_blanks(self.findings)

    @property
    def counts(self) -> dict[str, int]:
        """Findings as people read them, by severity (强制, 待核, 提示)."""
        return counts(self.shown)

    @property
    def hard(self) -> int:
        return self.counts[HARD]

    @property
    def pending(self) -> int:
        """待核: readings a person must settle; never the agency's defect, never a failed run."""
        return self.counts[DOUBT]

    @property
    def soft(self) -> int:
        return self.counts[SOFT]

    @property
    def unexplained(self) -> int:
        return sum(1 for f in advisory(self.shown) if not f.explained)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "meta": self.meta,
            "findings": [f.to_dict() for f in self.shown],  # a group lists its per-cell findings as "parts"
        }
        if self.previous:
            out["previous"] = self.previous
        if self.previous_notes:
            out["previous_notes"] = self.previous_notes
        if self.error:
            out["error"] = self.error
        return out


def meta_dict(report: Report) -> dict[str, Any]:
    out = asdict(report.meta)
    out["title"] = report.meta.title
    return out


# --------------------------------------------------------------------------- batch


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given; folders expanded (recursively) to the supported files they hold."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(files_in(p) if p.is_dir() else [p])
    return out


def _resolve_previous(report: Report, previous: Report | str | None, single: bool) -> tuple[Report | None, list[str]]:
    """Last year's report for `report`, and why none was used: a file given must be last year's
    report of this agency (previous_misfit; in a batch, a file of another agency is simply not
    its own), a folder is searched (previous_in)."""
    if previous is None:
        return None, []
    if isinstance(previous, Report):
        misfit = previous_misfit(report, previous)
        if not misfit:
            return previous, []
        if single:
            return None, [f"{'；'.join(misfit)}，未用于跨期核对"]
        return None, []
    if Path(previous).is_file():  # last year's report found in the same batch (lastyear.pairs)
        return _load(str(previous)), []
    return previous_in(previous, report)


def audit_path(path: str | Path, previous: Report | str | None = None, single: bool = True) -> AuditRecord:
    """Load and audit one file. `previous`: last year's Report, or a folder to look for it in."""
    source = str(path)
    try:
        report = _load(source)
    except XladdinError as exc:
        return AuditRecord(source, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop a batch
        return AuditRecord(source, error=f"文件“{source}”：读取失败（{describe(exc)}）")
    record = AuditRecord(source, meta_dict(report))
    try:
        prev, record.previous_notes = _resolve_previous(report, previous, single)
        record.previous = prev.source if prev is not None else ""
        report = lastyear.reread(report, prev)  # last year's figures settle what the reader could not
        record.findings = audit(report, prev)
    except Exception as exc:  # noqa: BLE001
        record.error = f"文件“{source}”：审核失败（{describe(exc)}）"
    return record


def _load(path: str) -> Report:
    from ..load import load_report_fast

    return load_report_fast(path)


def _worker(args: tuple[str, Report | str | None, bool]) -> AuditRecord:
    return audit_path(*args)


def audit_paths(
    paths: list[str | Path],
    previous: Report | str | Path | None = None,
    jobs: int | None = None,
    chunksize: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[AuditRecord]:
    """Audit many files, in input order. `jobs` processes (default: the CPU count, at most 8);
    1 or a single file runs in this process. `on_progress(done)`: files audited so far."""
    files = [str(p) for p in paths]
    prev: Report | str | None = str(previous) if isinstance(previous, Path) else previous
    single = len(files) == 1
    tasks = [(f, prev, single) for f in files]
    records = map_files(_worker, tasks, _crashed, jobs, chunksize, on_progress)
    if previous is None and not single:
        # a folder audit: the same agency's report of the year before, found in the batch, counts
        # as --previous (those files are audited again with it)
        found = lastyear.pairs(records)
        again = map_files(_worker, [(records[i].source, last, True) for i, last in found.items()], _crashed, jobs)
        for i, record in zip(found, again, strict=True):
            records[i] = record
    return records


def _crashed(task: tuple[str, Report | str | None, bool]) -> AuditRecord:
    return AuditRecord(task[0], error=f"文件“{task[0]}”：读取时处理进程异常退出")


__all__ = ["AuditRecord", "audit", "audit_path", "audit_paths", "expand_paths", "meta_dict"]
