"""Workbook <-> Report.

- `read_report(path)`: a filled template workbook -> Report (openpyxl, via defined names);
- `write_report(report, path, base=None, keys=None, overwrite=False)`: Report -> workbook,
  into a copy of the template or of `base`, atomically, macros and ribbon kept for .xlsm;
- `save_atomic(workbook, path, source=None)`: temp file in the same folder, then os.replace;
- `read_report_fast(path)`: the same Report through python-calamine, for batch audits;
- `check_workbook(path)`: the pre-open checks alone (raises InputError).
"""

from ..names import TEMPLATE_PATH
from .fast import read_report_fast
from .safety import check_workbook
from .save import restore_ribbon, save_atomic
from .workbook import WriteResult, read_report, write_report

__all__ = [
    "TEMPLATE_PATH",
    "WriteResult",
    "check_workbook",
    "read_report",
    "read_report_fast",
    "restore_ribbon",
    "save_atomic",
    "write_report",
]
