"""审核: rules of the spec evaluated on a Report -> Findings."""

from .engine import (
    check,
    check_identities,
    check_numbers,
    check_previous,
    evaluate_identity,
    rule_finding,
    rule_status,
)
from .findings import CellRef, Finding, blocking, cell_label, counts, group_blanks, summary

__all__ = [
    "CellRef",
    "Finding",
    "blocking",
    "cell_label",
    "counts",
    "check",
    "check_identities",
    "check_numbers",
    "check_previous",
    "evaluate_identity",
    "group_blanks",
    "rule_finding",
    "rule_status",
    "summary",
]
