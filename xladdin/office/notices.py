"""Rectification notices (整改通知): one Word document per agency with confirmed findings, in the
公文 layout of the report exporter (xladdin.export.docx: A4, GB/T 9704 margins, 方正小标宋 title,
仿宋 body, 黑体/楷体 headings, "— 1 —" page numbers), and a 整改清单 workbook with one row per
finding and columns for the agency's reply.

Only findings a reviewer confirmed (复核 确认, still on the same values) go in: 强制 always,
提示 with `include_soft`. 待核 never does: it is the reader's doubt, not the agency's defect.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import __version__
from ..check.findings import DOUBT, HARD, SOFT, cell_label, show
from ..export.settings import ExportSettings
from ..spec import SPEC
from ..store import RULES_VERSION
from . import review as rv
from .collect import Collected, Item

LIST_NAME = "整改清单.xlsx"
LIST_COLUMNS = (
    ("序号", 6), ("机关", 24), ("级别", 6), ("规则", 6), ("问题", 50), ("涉及单元格及数值", 30), ("格式要求", 30),
    ("整改时限", 12), ("整改情况（机关填写）", 30), ("完成日期（机关填写）", 14), ("联系人及电话（机关填写）", 18),
    ("指纹", 18),
)
CN_NUMBERS = "一二三四五六七八九十"


@dataclass
class Notice:
    agency: str
    items: list[Item]
    path: Path | None = None


def confirmed(collected: Collected, include_soft: bool = False) -> dict[str, list[Item]]:
    """Agency -> its confirmed findings (强制, and 提示 with include_soft), in reading order."""
    wanted = {HARD, SOFT} if include_soft else {HARD}
    out: dict[str, list[Item]] = {}
    for name, row in collected.agencies.items():
        items = [i for i in row.items if i.finding.severity in wanted and i.finding.severity != DOUBT
                 and i.state == rv.CONFIRMED]
        if items:
            out[name] = items
    return dict(sorted(out.items()))


def file_stem(agency: str) -> str:
    """A file name for an agency's notice (characters no file system takes replaced)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", agency).strip(" .") or "未命名机关"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    if n < 20:
        return "十" + CN_NUMBERS[n - 11]
    tens, ones = divmod(n, 10)
    return CN_NUMBERS[tens - 1] + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def cells_lines(item: Item) -> list[str]:
    """The printed cells and their values, each as people read it (official labels)."""
    f = item.finding
    out = [f"{cell_label(c)}：{show(c.value) if show(c.value) != '' else '空白'}" for c in f.cells[:12]]
    if len(f.cells) > 12:
        out.append(f"……共 {len(f.cells)} 格")
    if f.snippet:
        out.append(f"原文：“{f.snippet}”" + (f"（{f.where}）" if f.where else ""))
    return out


def paragraphs(agency: str, items: list[Item], year: int | None, deadline: date | None, office: str,
               today: date) -> list[tuple[str, str]]:
    """The notice as (role, text) paragraphs: title, addressee, body, heading2, signature."""
    year_text = f"{year}年" if year else ""
    due = cn_date(deadline) if deadline else "    年  月  日"
    out: list[tuple[str, str]] = [
        ("title", f"关于{agency}{year_text}政府信息公开工作年度报告问题整改的通知"),
        ("addressee", f"{agency}："),
    ]
    if all(i.finding.rule == "R1" for i in items):  # nothing published: nothing to correct, a report to publish
        out.append(("body", f"经审核，截至目前未见你单位{year_text}政府信息公开工作年度报告。请于{due}前按"
                            "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制并发布，"
                            "并在所附整改清单中填写情况后报送。"))
    else:
        out.append(("body", f"经审核，你单位{year_text}政府信息公开工作年度报告存在以下 {len(items)} 个问题，"
                            "不符合《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）的要求。"
                            f"请于{due}前完成整改，重新发布更正后的年度报告，并在所附整改清单中填写整改情况后报送。"))
    for n, item in enumerate(items, start=1):
        f = item.finding
        rule = SPEC.rule(f.rule)
        out.append(("heading2", f"（{_number(n)}）{rule.title}（{f.severity}）"))
        out.append(("body", f"问题：{f.message}"))
        lines = cells_lines(item)
        if lines:
            out.append(("body", "涉及单元格及数值：" + "；".join(lines) + "。"))
        out.append(("body", f"格式要求：{rule.text}。"))
        if item.decision is not None and item.decision.note:
            out.append(("body", f"审核意见：{item.decision.note}"))
    out.append(("body", f"整改时限：{due}前。"))
    out.append(("signature", office))
    out.append(("signature", cn_date(today)))
    return out


def build_notice(paras: list[tuple[str, str]], settings: ExportSettings | None = None):  # noqa: ANN201
    """A python-docx Document in the exporter's 公文 layout."""
    from docx import Document

    from ..export.docx import CHAR_PT, _paragraph, _run, _setup_page, _setup_styles

    s = settings or ExportSettings()
    doc = Document()
    ids = _setup_styles(doc, s)
    _setup_page(doc, s)
    latin = s.latin_font
    signature_started = False
    for role, text in paras:
        if role == "title":
            _run(_paragraph(doc, ids["title"]), text, s.font("title"), latin)
            doc.add_paragraph()
        elif role == "addressee":
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = 0
            _run(p, text, s.font("body"), latin)
        elif role == "heading2":
            _run(_paragraph(doc, ids["heading2"]), text, s.font("heading2"), latin)
        elif role == "signature":
            if not signature_started:
                doc.paragraphs[-1].paragraph_format.keep_with_next = True
                doc.add_paragraph().paragraph_format.keep_with_next = True
                signature_started = True
            p = _paragraph(doc, ids["signature"])
            p.paragraph_format.right_indent = round(4 * CHAR_PT * 12700)
            p.paragraph_format.keep_with_next = True
            _run(p, text, s.font("body"), latin)
        else:
            _run(doc.add_paragraph(), text, s.font("body"), latin)
    props = doc.core_properties
    props.title = paras[0][1]
    props.author = "xladdin"
    props.language = "zh-CN"
    return doc


def plan_paths(folder: Path, agencies: list[str]) -> dict[str, Path]:
    taken: dict[str, int] = {}
    out = {}
    for a in agencies:
        stem = f"{file_stem(a)}-整改通知"
        n = taken.get(stem, 0)
        taken[stem] = n + 1
        out[a] = folder / (f"{stem}.docx" if n == 0 else f"{stem}-{n + 1}.docx")
    return out


def write_notices(
    collected: Collected, folder: str | Path, *, include_soft: bool = False, deadline: date | None = None,
    office: str = "政务公开工作主管部门", force: bool = False, today: date | None = None,
) -> tuple[list[Notice], Path]:
    """The notices and the 整改清单 in `folder` (created). Every output is claimed first under the
    one output rule (an existing file only with `force`); nothing is written if one is refused."""
    from ..fileio import atomic_write
    from ..io.outputs import claim

    out = Path(folder)
    chosen = confirmed(collected, include_soft)
    paths = plan_paths(out, list(chosen))
    list_path = out / LIST_NAME
    for p in [*paths.values(), list_path]:
        claim(p, force=force, option="输出文件")
    today = today or date.today()
    notices = []
    for agency, items in chosen.items():
        doc = build_notice(paragraphs(agency, items, collected.year, deadline, office, today))
        buffer = io.BytesIO()
        doc.save(buffer)
        atomic_write(paths[agency], buffer.getvalue(), make_dirs=True)
        notices.append(Notice(agency, items, paths[agency]))
    write_list(chosen, list_path, deadline, collected.run)
    return notices, list_path


def write_list(chosen: dict[str, list[Item]], path: Path, deadline: date | None, run: int = 0) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from ..io.save import save_atomic
    from ..io.sheets import list_row, set_filter, table_sheet

    wb = Workbook()
    wb.remove(wb.active)
    ws = table_sheet(wb, "整改清单", LIST_COLUMNS)
    n = 0
    for agency, items in chosen.items():
        for item in items:
            n += 1
            f = item.finding
            list_row(ws, [n, agency, f.severity, f.rule, f.message, "\n".join(cells_lines(item)),
                          SPEC.rule(f.rule).text, deadline.isoformat() if deadline else "", "", "", "",
                          item.fingerprint], LIST_COLUMNS)
    reply = PatternFill("solid", fgColor="FFF2CC")
    for r in range(2, ws.max_row + 1):
        for c in (9, 10, 11):
            ws.cell(r, c).fill = reply
    ws.column_dimensions[get_column_letter(len(LIST_COLUMNS))].hidden = True
    set_filter(ws, LIST_COLUMNS[:-1], max(ws.max_row, 2))
    ws.print_area = f"A1:{get_column_letter(len(LIST_COLUMNS) - 1)}{max(ws.max_row, 2)}"
    info = wb.create_sheet("说明")
    for row in (("填写方法", "请在“整改情况”“完成日期”“联系人及电话”三列填写后报送；隐藏的“指纹”列请勿删除"),
                ("审核", f"第 {run} 次审核" if run else ""), ("规则版本", RULES_VERSION), ("xladdin 版本", __version__)):
        info.append(list(row))
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 14, 80
    return save_atomic(wb, path)


__all__ = ["Notice", "build_notice", "confirmed", "paragraphs", "write_list", "write_notices"]
