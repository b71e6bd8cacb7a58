"""Ribbon actions: one dispatcher, `run(control_id, book=None)`, and a handler per button.

The VBA callback passes the button id of macros/customUI.xml here; `ACTIONS` maps every id
to its handler (a test checks that ids and handlers match both ways). Handlers talk to the
workbook only through the book interface, so each runs on Excel (XlBook) and on a file
(FileBook, for tests and `xladdin addin run`). They return a short Chinese summary, which is
also shown to the user.

Last year's figures that the cross-year rules need (Y1: 结转下年度 -> 上年结转; T2-C: 现行有效件数)
are kept in the hidden sheet 上年数据 written by 导入上年数据: one row per cell key, so a user
can unhide it and see where each figure came from, and 校验 can check against it later.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..draft import Applied
from ..errors import InputError, XladdinError
from ..jsonfile import read_json
from ..names import SHEET_RESULTS
from ..previous import CARRY, HEADER, SHEET_PREVIOUS, previous_rows
from ..report import LEVEL_NAMES, META_LABELS, Meta, Report
from ..spec import SPEC
from ..values import format_value, is_number
from .book import NOTES_HEADER_REF, NOTES_HEADER_TEXT, TITLE, Book

PREVIOUS_SHEET = SHEET_PREVIOUS  # what 导入上年数据 keeps: see xladdin/previous.py
PREVIOUS_HEADER = HEADER
CARRIED_META = ("agency", "level", "contact_address", "contact_phone", "website", "office")
# 校验结果: what users read first; the rule instance (the 说明's number, a key) last.
# 定位: the first cell as a link, one short line (LibreOffice prints a linked cell unwrapped).
RESULT_HEADER = ["序号", "级别", "规则", "规则名称", "问题", "涉及单元格", "定位", NOTES_HEADER_TEXT, NOTES_HEADER_REF]
RESULT_WIDTHS = [5, 6, 7, 13, 56, 32, 11, 28, 16]  # about 75 % on A4 landscape, one page wide
# The project has no published web address yet: point at the docs shipped with the source.
DOCS = "README.md 的“在 Excel 中使用”一节（源码中的 docs/excel.md）"


@dataclass(frozen=True)
class Action:
    label: str
    handler: Callable[[Book], str]


def confirm(book: Book, question: str, prompt: str) -> bool:
    """A yes/no question through the book's text dialog: only “是” (or y/yes) says yes."""
    answer = book.ask_text(question, f"{prompt}确认请输入“是”：")
    return (answer or "").strip().lower() in ("是", "y", "yes")


def _require_report(book: Book) -> None:
    if not book.is_report():
        raise InputError("当前工作簿不是年报模板生成的工作簿（缺少 NB_ 定义名称）；请先点“新建年报”", path=book.path)


# ---------------------------------------------------------------------- 新建年报


def new_report(book: Book) -> str:
    agency = book.ask_text("agency", "机关名称（如：某某市人力资源和社会保障局）：")
    if not agency:
        return "已取消"
    default_year = str(dt.date.today().year - 1)
    year_text = book.ask_text("year", "报告年度：", default_year)
    if not year_text:
        return "已取消"
    try:
        year = int(str(year_text).strip().rstrip("年"))
    except ValueError:
        year = 0
    if not 2008 <= year <= 2100:  # the 条例 took effect in 2008
        raise InputError(f"报告年度应为四位数字的年份，收到“{year_text}”")
    level = book.ask_text("level", f"机关层级（{'、'.join(LEVEL_NAMES)}）：", LEVEL_NAMES[0])
    if not level:
        return "已取消"
    level = level.strip()
    if level not in LEVEL_NAMES:
        raise InputError(f"机关层级应为 {'、'.join(LEVEL_NAMES)} 之一，收到“{level}”")
    meta = Meta(agency=agency.strip(), year=year, level=level)
    path = book.ask_file("new_path", "保存新年报为：", mode="save", suffix=".xlsx")
    if not path:
        return "已取消"
    if Path(path).suffix.lower() != ".xlsx":
        raise InputError("新年报请保存为 .xlsx 工作簿", path=path)
    if Path(path).exists():
        raise InputError("文件已存在：为免覆盖，请换一个文件名", path=path)
    from ..io import write_report

    write_report(Report(meta=meta), path)
    book.open_workbook(path)
    return f"已新建：{meta.title}（{path}）"


# ---------------------------------------------------------------------- 导入上年数据


def import_previous(book: Book) -> str:
    _require_report(book)
    path = book.ask_file("previous", "选择上年度年报工作簿：", mode="open")
    if not path:
        return "已取消"
    if book.path and Path(path).resolve() == Path(book.path).resolve():
        raise InputError("选择的是当前工作簿本身，请选择上年度的年报", path=path)
    previous = book.open_other(path).read_report()
    this = book.read_report()
    from ..audit.crossyear import previous_misfit

    misfit = previous_misfit(this, previous)  # the rule of `check --previous` and `audit --previous`
    if misfit and not confirm(book, "confirm_previous", f"所选文件可能不是本机关的上年报告：{'；'.join(misfit)}。仍要导入吗？"):
        return "已取消"
    changed, kept, missing = [], [], []
    for prev_key, this_key in CARRY:
        value = previous.value(prev_key)
        name = SPEC.cell(this_key).short
        if not is_number(value):
            missing.append(f"{SPEC.cell(prev_key).short}（{format_value(value)}）")
            continue
        addr = book.require(SPEC.cell(this_key).xl_name)
        if book.formula(addr):
            kept.append(name)  # a formula (the 总计 column) computes itself
            continue
        book.set(addr, int(value) if SPEC.cell(this_key).kind == "count" else value)
        changed.append(name)
    carried = []
    for field in CARRIED_META:
        if not getattr(this.meta, field) and getattr(previous.meta, field):
            setattr(this.meta, field, getattr(previous.meta, field))
            carried.append(META_LABELS[field])
    if this.meta.year is None and previous.meta.year:
        this.meta.year = previous.meta.year + 1
        carried.append(META_LABELS["year"])
    book.write_meta(this.meta, only=tuple(f for f in CARRIED_META + ("year",)))
    write_previous(book, previous)
    book.done()
    parts = [f"已从 {previous.meta.year or '上年'} 年报转入上年结转 {len(changed)} 格"]
    if kept:
        parts.append(f"{'、'.join(kept)}由公式计算")
    if missing:
        parts.append(f"上年缺少：{'、'.join(missing)}")
    if carried:
        parts.append(f"带入{'、'.join(carried)}")
    parts.append("上年现行有效件数已保存在隐藏工作表“上年数据”，供校验使用")
    return "；".join(parts)


def write_previous(book: Book, previous: Report) -> None:
    book.write_rows(PREVIOUS_SHEET, previous_rows(previous), widths=[24, 36, 12, 40], state="hidden")


def read_previous(book: Book) -> Report | None:
    """Last year's figures kept by 导入上年数据, as a partial Report (None if never imported)."""
    return book.read_previous()


# ---------------------------------------------------------------------- 填充合计


def fill_totals(book: Book) -> str:
    from ..fill import fill

    _require_report(book)
    report = book.read_report()
    result = fill(report)
    for key in result.filled:
        value = report.values[key]
        book.write_key(key, float(value) if SPEC.cell(key).kind == "amount" else value)
    book.done()
    text = result.summary()
    if result.conflicts:
        text += "。不一致：" + "；".join(f.message for f in result.conflicts[:5])
        if len(result.conflicts) > 5:
            text += f"……（共 {len(result.conflicts)} 处，点“校验”查看全部）"
    return text


# ---------------------------------------------------------------------- 生成正文

DRAFT_HEADER = "生成的草稿（与表格数字一致；该部分已有文字，未改动，可复制采用）"
DRAFT_WIDTH = 60


def draft_narrative(book: Book, previous: Report | None = None) -> str:
    """生成正文: see draft_into."""
    return draft_into(book, previous).summary()


def draft_into(book: Book, previous: Report | None = None) -> Applied:
    """Draft the sentences whose numbers come from the tables (xladdin.draft) into the empty
    正文 blocks; beside a block that holds text, in the next column, for the clerk to take or
    leave. Typed text is never changed. `previous`: last year's report (else 上年数据)."""
    from ..draft import draft, is_empty
    from ..names import SHEET_TEXT, section_name
    from ..template.layout import TEXT_FIRST_ROW, TEXT_PART_ROWS

    TEXT_HEADER_ROW = TEXT_FIRST_ROW - 1  # noqa: N806 - the 正文 sheet's column-header row

    _require_report(book)
    report = book.read_report()
    book.read_rows(SHEET_TEXT)  # what the column beside holds (the WPS door sends it when asked)
    drafts = draft(report, previous)
    applied = Applied(drafts=drafts)
    header_written = False
    for key, d in drafts.items():
        address = book.require(section_name(key))
        beside = _next_column(address)
        header = beside.rstrip("0123456789") + str(TEXT_HEADER_ROW)
        ours = book.get(header) in (None, "", DRAFT_HEADER)  # the column beside is free or holds our drafts
        if not d.text:
            continue
        if is_empty(report.sections.get(key)):
            book.show_text(address, d.text)
            if book.get(header) == DRAFT_HEADER and book.get(beside) not in (None, ""):
                book.set(beside, None)  # an earlier draft shown beside this block: now in it
            applied.written.append(key)
            continue
        if not ours:  # the clerk's own notes beside the 正文: never written over
            applied.blocked.append(key)
            continue
        applied.beside.append(key)
        book.show_text(beside, d.text, rows=TEXT_PART_ROWS, width=DRAFT_WIDTH)
        if not header_written:
            book.show_text(header, DRAFT_HEADER)
            book.set_print_area(SHEET_TEXT, "A:B")  # the drafts stay on screen, not on the printed page
            header_written = True
    if applied.written or applied.beside:
        book.show_sheet(SHEET_TEXT)
    book.done()
    return applied


def _next_column(address: str) -> str:
    """"正文!B9" -> "正文!C9"."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

    sheet, cell = address.rsplit("!", 1)
    letters, row = coordinate_from_string(cell.replace("$", ""))
    return f"{sheet}!{get_column_letter(column_index_from_string(letters) + 1)}{row}"


# ---------------------------------------------------------------------- 校验 / 清除标记


def check_book(book: Book) -> str:
    from ..audit.tablecheck import check_tables
    from ..check import group_blanks, summary
    from ..io.sheets import cells_text

    _require_report(book)
    book.clear_marks()
    report = book.read_report()
    # As `xladdin check`, with the 上年数据 sheet (report.previous); a table row's blanks as one.
    findings = group_blanks(check_tables(report))
    names_here = set(book.sheet_names())
    rows: list[list[Any]] = [RESULT_HEADER]
    links: list[tuple[str, str, str]] = []  # (cell in 校验结果, target, text)
    marks: dict[str, tuple[str, list[str]]] = {}
    cells_col = RESULT_HEADER.index("涉及单元格")
    for i, f in enumerate(findings, start=1):
        text = cells_text(f, RESULT_WIDTHS[cells_col])  # one column, one cell a line: it prints
        rows.append([i, f.severity, f.rule, f.title, f.message, text, "", f.explanation, f.ref])
        local = [c.address for c in f.cells if c.address and "!" in c.address
                 and c.address.rsplit("!", 1)[0] in names_here]
        if local:  # to the first cell; all of them are marked
            links.append((_a1(i + 1, cells_col + 2), local[0], local[0]))
        for address in local:
            severity, texts = marks.get(address, (f.severity, []))
            if f.severity == "强制":
                severity = "强制"
            marks[address] = (severity, texts + [f"{f.rule} {f.message}"])
    if not findings:
        rows.append(["", "", "", "", "通过：未发现问题", "", "", "", ""])
    book.write_rows(SHEET_RESULTS, rows, widths=RESULT_WIDTHS)
    for address, target, text in links:
        book.add_link(f"{SHEET_RESULTS}!{address}", target, text)
    book.format_list(SHEET_RESULTS, RESULT_WIDTHS)
    book.mark_many({a: (sev, "\n".join(texts)) for a, (sev, texts) in marks.items()})
    if report.explanations:
        book.save_explanations(report.explanations)
    if findings:
        book.show_sheet(SHEET_RESULTS)
    book.done()
    return f"{summary(findings)}；详见“{SHEET_RESULTS}”工作表，标色单元格 {len(marks)} 个"


def _a1(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def clear_marks(book: Book) -> str:
    n = book.clear_marks()
    book.done()
    return f"已清除 {n} 个单元格的校验标记"


# ---------------------------------------------------------------------- 导出报告


def export_report(book: Book) -> str:
    """Word / PDF / HTML / Markdown by the chosen file's extension (xladdin.export)."""
    from ..check import blocking, check
    from ..export import FORMATS, export, load_settings

    _require_report(book)
    by_suffix = {suffix: fmt for fmt, suffix in FORMATS.items()}
    kinds = "、".join(s.lstrip(".").upper() for s in by_suffix)
    report = book.read_report()
    output_dir = load_user_settings().get("output_dir") or (str(Path(book.path).parent) if book.path else "")
    proposal = str(Path(output_dir) / f"{report.meta.title}.docx") if output_dir else f"{report.meta.title}.docx"
    path = book.ask_file("export_path", f"导出为（{kinds}，按扩展名选择格式）：", mode="save", suffix=".docx",
                         default=proposal)
    if not path:
        return "已取消"
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".docx")
    if not target.is_absolute() and output_dir:
        target = Path(output_dir) / target  # a bare file name goes to the 设置 output folder
    fmt = by_suffix.get(target.suffix.lower())
    if fmt is None:
        raise InputError(f"不支持导出为 {target.suffix}（可用：{kinds}）", path=str(target))
    if target.exists() or target.is_symlink():  # Excel's save dialog does not ask: we do
        from ..io.outputs import claim

        if not confirm(book, "replace_export", f"文件“{target}”已存在，替换它吗？"):
            return "已取消"
        claim(target, [book.path] if book.path else [], force=True, option="导出文件")  # never the workbook itself
    hard = blocking(check(report))
    written = export(report, fmt, target, settings=load_settings())
    text = f"已导出：{written}"
    if hard:
        text += f"。注意：仍有 {len(hard)} 处强制错误，请先点“校验”查看"
    return text


# ---------------------------------------------------------------------- 设置 / 帮助


def settings_path() -> Path:
    from ..export.settings import SETTINGS_ENV

    env = os.environ.get(SETTINGS_ENV)
    if env:
        return Path(env)
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "xladdin" / "export.json"


def load_user_settings() -> dict[str, Any]:
    path = settings_path()
    if not path.is_file():
        return {}
    data = read_json(path, 1 << 20)
    return data if isinstance(data, dict) else {}


def settings(book: Book) -> str:
    from ..export.settings import DEFAULT_FONTS
    from ..fileio import atomic_write

    data = load_user_settings()
    folder = book.ask_file("output_dir", "选择导出文件夹：", mode="folder")
    if folder:
        if not Path(folder).is_dir():
            raise InputError("文件夹不存在", path=folder)
        data["output_dir"] = str(folder)
    fonts = {**DEFAULT_FONTS, **data.get("fonts", {})}
    current = "；".join(f"{k}={v}" for k, v in fonts.items())
    answer = book.ask_text("fonts", "导出字体（角色=字体名，用分号分隔；角色：" + "、".join(DEFAULT_FONTS) + "）：", current)
    if answer:
        parsed = {}
        for item in answer.replace(";", "；").split("；"):
            if not item.strip():
                continue
            role, sep, font = item.partition("=")
            role, font = role.strip(), font.strip()
            if not sep or role not in DEFAULT_FONTS or not font:
                raise InputError(f"无法识别“{item.strip()}”：应为 角色=字体名，角色为 {'、'.join(DEFAULT_FONTS)} 之一")
            parsed[role] = font
        data["fonts"] = {k: v for k, v in parsed.items() if DEFAULT_FONTS[k] != v}
    if not folder and not answer:
        return "设置未改变"
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2))
    return f"设置已保存到 {path}"


def help_action(book: Book) -> str:
    import xlwings  # the installed version must match the add-in's VBA (re-run install after upgrades)

    return (
        f"xladdin {__version__}（政府信息公开工作年度报告，国办公开办函〔2021〕30号格式）\n"
        f"xlwings {xlwings.__version__}；Python 包位置：{Path(__file__).resolve().parents[1]}\n"
        f"使用说明：{DOCS}"
    )


# ---------------------------------------------------------------------- 审核 (the office's loop)


def _office(name: str, book: Book) -> str:
    """A button of the 审核 group: xladdin.office.ribbon, imported on use (the store, charts)."""
    from ..office import ribbon

    return getattr(ribbon, name)(book)


# ---------------------------------------------------------------------- dispatcher

ACTIONS: dict[str, Action] = {
    "xladdin_new": Action("新建年报", new_report),
    "xladdin_import": Action("导入上年数据", import_previous),
    "xladdin_fill": Action("填充合计", fill_totals),
    "xladdin_draft": Action("生成正文", draft_narrative),
    "xladdin_check": Action("校验", check_book),
    "xladdin_clear": Action("清除标记", clear_marks),
    "xladdin_export": Action("导出报告", export_report),
    "xladdin_settings": Action("设置", settings),
    "xladdin_help": Action("帮助", help_action),
    "xladdin_batch": Action("批量审核", lambda book: _office("batch_audit", book)),
    "xladdin_review_import": Action("导入复核结果", lambda book: _office("import_review", book)),
    "xladdin_notices": Action("生成整改通知", lambda book: _office("write_notices_action", book)),
    "xladdin_overview": Action("汇总", lambda book: _office("overview_action", book)),
}


def run(control_id: str, book: Book | None = None, vba_xlwings: str = "") -> str:
    """Run the action of a ribbon button. In Excel (book None) errors become a message box;
    `vba_xlwings` is the xlwings version the workbook's VBA was built with (XLWINGS_VERSION)."""
    action = ACTIONS.get(control_id)
    in_excel = book is None
    if in_excel:
        from .udfs import wizard_texts
        from .xlbook import XlBook, xlwings_mismatch

        book = XlBook.caller()
        book.register_functions(wizard_texts())
        notice = xlwings_mismatch(vba_xlwings)
        if notice:
            book.message(notice)
    assert book is not None
    if action is None:
        text = f"未知的按钮：{control_id}（加载项与 Python 包版本不一致？请重新运行 xladdin addin install）"
        book.message(text)
        return text
    try:
        text = action.handler(book)
        book.finish()
    except XladdinError as exc:
        book.finish()
        text = f"{action.label}失败：{exc}"
        book.message(text, title=f"{TITLE} · {action.label}")
        if not in_excel:
            raise
        return text
    except Exception:
        book.finish()
        if not in_excel:
            raise
        text = f"{action.label}出错（程序错误，请把以下内容发给维护人员）：\n{traceback.format_exc(limit=3)}"
        book.message(text, title=f"{TITLE} · {action.label}")
        return text
    book.message(text, title=f"{TITLE} · {action.label}")
    return text


__all__ = ["ACTIONS", "Action", "read_previous", "run", "write_previous"]
