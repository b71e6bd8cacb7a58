"""The review workbook (审核结果.xlsx): every finding of the latest run, one row each, with a
复核 column (a drop-down: 确认/驳回/已说明/已核定) and a 复核说明 column for the reviewer, and
hidden columns with the finding's fingerprint and the value digest the reviewer saw. Reviewers
fill it in Excel; `import_decisions` reads it back into the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import InputError
from ..store import RULES_VERSION, Store
from . import review as rv
from .collect import Collected

SHEET, INFO = "复核", "说明"
COLUMNS = (
    ("序号", 6), ("机关", 26), ("年度", 6), ("级别", 6), ("规则", 6), ("规则名称", 14), ("问题", 56),
    ("涉及单元格", 30), ("复核", 9), ("复核说明", 28), ("状态", 9), ("变化或备注", 30), ("文件", 22),
    ("指纹", 18), ("值摘要", 18),
)
HEADER = tuple(name for name, _ in COLUMNS)
HIDDEN = ("指纹", "值摘要")
DB_LABEL = "审核结果库"  # the 说明 sheet's row naming the store (the ribbon's 导入复核结果 reads it)


def _col(name: str) -> int:
    return HEADER.index(name) + 1


def build(collected: Collected, db: str = ""):  # noqa: ANN201 - an openpyxl Workbook
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..io.sheets import cells_text, list_row, set_filter, severity_colour, table_sheet

    wb = Workbook()
    wb.remove(wb.active)
    ws = table_sheet(wb, SHEET, COLUMNS)
    for n, item in enumerate(collected.items, start=1):
        f, d = item.finding, item.decision
        state = item.state
        decided = d.decision if d is not None and state != rv.REOPENED else ""
        remark = rv.change(d, f) if d is not None and state == rv.REOPENED else rv.flags(d)
        list_row(ws, [
            n, item.agency, item.year, f.severity, f.rule, f.title, f.message, cells_text(f, 30), decided,
            d.note if d is not None and decided else "", state, remark, Path(item.source).name if item.source else "",
            item.fingerprint, item.digest,
        ], COLUMNS)
        ws.cell(ws.max_row, _col("级别")).fill = PatternFill("solid", fgColor=severity_colour(f.severity))
    last = max(ws.max_row, 2)
    dv = DataValidation(
        type="list", formula1='"' + ",".join(rv.DECISIONS) + '"', allow_blank=True, showInputMessage=True,
        showErrorMessage=True, promptTitle="复核结论",
        prompt="确认：问题成立；驳回：问题不成立；已说明：接受机关的说明；已核定：待核读数已核定（在复核说明写明读数）",
        errorTitle="复核结论无效", error="只能选择：" + "、".join(rv.DECISIONS),
    )
    dv.add(f"{get_column_letter(_col('复核'))}2:{get_column_letter(_col('复核'))}{last + 500}")
    ws.add_data_validation(dv)
    for name in HIDDEN:
        ws.column_dimensions[get_column_letter(_col(name))].hidden = True
    review_fill = PatternFill("solid", fgColor="FFF2CC")
    for r in range(2, ws.max_row + 1):
        for name in ("复核", "复核说明"):
            ws.cell(r, _col(name)).fill = review_fill
            ws.cell(r, _col(name)).alignment = Alignment(wrap_text=True, vertical="top")
    set_filter(ws, COLUMNS[: _col("文件")], ws.max_row)
    ws.print_area = f"A1:{get_column_letter(_col('文件'))}{ws.max_row}"
    info = wb.create_sheet(INFO)
    for row in (
        (DB_LABEL, db),
        ("审核", f"第 {collected.run} 次审核"),
        ("规则版本", RULES_VERSION),
        ("xladdin 版本", __version__),
        ("填写方法", "在“复核”列选择 确认、驳回、已说明 或 已核定，在“复核说明”列写明理由（已核定须写明核定的读数）；"
                 "保存后运行：xladdin review import 本文件 --db 审核结果库"),
        ("重新审核之后", "数值未变的问题沿用原复核结论；数值变化的问题显示为“已重开”，须重新复核"),
    ):
        info.append(list(row))
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    return wb


def write_review(collected: Collected, path: str | Path, db: str = "") -> Path:
    from ..io.save import save_atomic

    return save_atomic(build(collected, db), path)


def db_of(rows: list[list]) -> str:
    """The store a review workbook came from (its 说明 sheet), or ""."""
    for row in rows:
        if row and row[0] == DB_LABEL and len(row) > 1 and row[1]:
            return str(row[1])
    return ""


@dataclass
class Imported:
    taken: int = 0  # new decisions recorded
    unchanged: int = 0  # rows whose decision was already in force
    gone: int = 0  # rows of findings no longer in the latest run
    stale: int = 0  # decisions taken on values that changed since the export (recorded, re-opened)

    def summary(self) -> str:
        text = f"已导入 {self.taken} 项复核结论"
        if self.unchanged:
            text += f"，{self.unchanged} 项与已有结论相同"
        if self.gone:
            text += f"，{self.gone} 项问题已不在最近一次审核结果中（未导入）"
        if self.stale:
            text += f"；其中 {self.stale} 项在导出后数值已变化，结论已记录但显示为“已重开”，请重新复核"
        return text


def import_decisions(store: Store, collected: Collected, path: str | Path, reviewer: str = "") -> Imported:
    """Read the 复核 column of the workbook at `path` back (see `import_rows`)."""
    return import_rows(store, collected, read_rows(path), str(path), reviewer)


def has_hierarchy(rows: list[list]) -> bool:
    """Whether a review workbook lists hierarchy sums (H1): its import must collect them too."""
    if not rows or "规则" not in [str(v) for v in rows[0]]:
        return False
    i = [str(v) for v in rows[0]].index("规则")
    return any(len(r) > i and r[i] == "H1" for r in rows[1:])


def read_rows(path: str | Path) -> list[list]:
    """The rows of a review workbook's 复核 sheet."""
    from ..io.workbook import open_workbook

    p = Path(path)
    wb = open_workbook(p, data_only=True, read_only=True)
    try:
        if SHEET not in wb.sheetnames:
            raise InputError(f"没有“{SHEET}”工作表：请用 xladdin review export 导出的复核工作簿", path=str(p))
        rows = [list(r) for r in wb[SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    return rows


def import_rows(store: Store, collected: Collected, rows: list[list], source: str, reviewer: str = "") -> Imported:
    """The decisions of the 复核 sheet's rows: every value validated first (an error names the
    sheet and the cell, and nothing is recorded), then the new decisions recorded at once."""
    from openpyxl.utils import get_column_letter

    p = Path(source)
    if not rows:
        raise InputError("工作表是空的", path=str(p), sheet=SHEET)
    header = [str(v).strip() if v is not None else "" for v in rows[0]]
    where = {}
    for name in ("复核", "复核说明", "指纹", "值摘要"):
        if name not in header:
            raise InputError(f"第 1 行缺少“{name}”列（请勿删除导出的列，隐藏列也须保留）", path=str(p), sheet=SHEET, cell="A1")
        where[name] = header.index(name)
    current = collected.by_fingerprint()
    in_force = rv.latest(store)
    plan = []
    out = Imported()
    for r, row in enumerate(rows[1:], start=2):
        def get(name: str, row: list = row) -> str:
            i = where[name]
            return str(row[i]).strip() if i < len(row) and row[i] is not None else ""

        decision, note, fp, digest = get("复核"), get("复核说明"), get("指纹"), get("值摘要")
        if not decision:
            continue
        cell = f"{get_column_letter(where['复核'] + 1)}{r}"
        if not fp:
            raise InputError("这一行有复核结论，但隐藏的“指纹”列是空的（行可能是手工添加的）", path=str(p), sheet=SHEET, cell=cell)
        item = current.get(fp)
        why = rv.validate(decision, item.finding if item else None, note)
        if why:
            raise InputError(why, path=str(p), sheet=SHEET, cell=cell)
        if item is None:
            out.gone += 1
            continue
        d = in_force.get(fp)
        if d is not None and (d.decision, d.note, d.value_digest) == (decision, note, digest or item.digest):
            out.unchanged += 1
            continue
        plan.append((fp, decision, item, digest or item.digest, note))
    for fp, decision, item, digest, note in plan:
        rv.decide(store, fp, decision, item.finding, digest, note, reviewer, how=f"工作簿 {p.name}", agency=item.agency)
        out.taken += 1
        out.stale += digest != item.digest
    store.commit()
    return out


__all__ = ["COLUMNS", "HEADER", "INFO", "Imported", "SHEET", "build", "db_of", "has_hierarchy", "import_decisions", "import_rows", "read_rows",
           "write_review"]
