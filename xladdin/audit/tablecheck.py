"""What `xladdin check` and the add-ins' 校验 button run on one report: the table rules.

One function, so that the command line, the Excel add-in and the WPS service report the same
findings for the same workbook.
"""

from __future__ import annotations

from ..check import Finding, check
from ..report import Report

# 结构 rules about the tables themselves, which check runs: the format version, the tables' completeness
TABLE_STRUCTURE = ("F1", "S7")


def check_tables(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every 表内 rule (the identities, the *-N values and S6), F1 (also from the 2019 labels or
    23-row table a reader saw in a published report), S7 and, with last year's report (or the
    workbook's 上年数据), Y1 and T2-C. 强制 first."""
    from .structure import check_old_format_seen, check_other_share

    findings = check(report, previous) + check_old_format_seen(report) + check_other_share(report)
    findings.sort(key=Finding.sort_key)
    return findings
