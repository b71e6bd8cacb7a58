"""审核 of published reports and workbooks: table, narrative (文表), structure and cross-year
rules on one report, and the batch runner and workbook of findings for many."""

from .crossyear import check_cross_year, find_previous, similarity
from .narrative import Extraction, Fact, extract
from .runner import AuditRecord, audit, audit_path, audit_paths, expand_paths
from .structure import check_structure
from .textchecks import check_text

__all__ = [
    "AuditRecord",
    "Extraction",
    "Fact",
    "audit",
    "audit_path",
    "audit_paths",
    "check_cross_year",
    "check_structure",
    "check_text",
    "expand_paths",
    "extract",
    "find_previous",
    "similarity",
]
