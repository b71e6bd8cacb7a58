"""Lines of a published report -> Report: outline, metadata, narrative, tables, repair."""

from __future__ import annotations

import re

from ..agency import guess_level
from ..errors import InputError
from ..report import Meta, Report
from ..spec import SPEC
from ..spec.format2021 import T2_DOC_MEASURES, T2_DOCS, T3_COLS
from ..values import ABSENT, is_absent, is_number, other_digits, script_of
from . import flat, repair, sections, tables
from .cut import cells_after, cut_row, find_cut
from .labels import norm
from .lines import Line

_T2_WORDS = (("norm", "(?:行政)?规范性文件"), ("reg", "规章"))
_T2_VERBS = (
    ("made", r"(?:制发|印发|出台|制定|新制定|发布)(?:了)?"),
    ("repealed", r"废止(?:了)?"),
    ("valid", r"现行有效(?:的)?"),
)


def narrative_clues(text: str) -> list[tuple[str, int, str]]:
    """(cell key, value, snippet) for table 二 figures the narrative states plainly."""
    t = norm(text)
    out = []
    for row, word in _T2_WORDS:
        for col, verb in _T2_VERBS:
            for m in re.finditer(verb + word + r"(?:共|合计)?(\d+)(?:件|个|份|部)", t):
                out.append((f"t2.{row}_{col}", int(m.group(1)), m.group(0)))
            if col == "valid":
                for m in re.finditer(word + r"现行有效(?:的)?(?:共)?(\d+)(?:件|个|份|部)", t):
                    out.append((f"t2.{row}_{col}", int(m.group(1)), m.group(0)))
    return out


def _clues(narrative: str, previous: Report | None) -> list[repair.Clue]:
    """Evidence for cells no identity ties: the narrative's table 二 figures, last year's report
    (T2-C, Y1); and the plausibility rule 现行有效件数 >= 本年制发件数 (taken last, with a note)."""
    out = [repair.Clue(((key, 1),), value, f"正文“{snippet}”") for key, value, snippet in narrative_clues(narrative)]
    if previous is not None:
        for col, name in T3_COLS:
            prev = previous.value(f"t3.carry_out.{col}")
            if is_number(prev) and prev == int(prev):  # type: ignore[arg-type]
                why = f"上年报告结转下年度·{name} {int(prev)}（Y1）"  # type: ignore[arg-type]
                out.append(repair.Clue(((f"t3.carry_in.{col}", 1),), int(prev), why))  # type: ignore[arg-type]
        for row, label in T2_DOCS:
            prev = previous.value(f"t2.{row}_valid")
            if is_number(prev) and prev == int(prev):  # type: ignore[arg-type]
                made, rep, valid = (f"t2.{row}_{c}" for c in T2_DOC_MEASURES)
                why = f"上年报告{label}现行有效 {int(prev)} 件（T2-C）"  # type: ignore[arg-type]
                out.append(repair.Clue(((valid, 1), (made, -1), (rep, 1)), int(prev), why))  # type: ignore[arg-type]
    for _row, _label in T2_DOCS:
        made, _, valid = (f"t2.{_row}_{c}" for c in T2_DOC_MEASURES)
        out.append(repair.Clue(((valid, 1), (made, -1)), 0, "现行有效件数不低于本年制发件数", plausibility=True))
    return out


SECTION_KEYS = tuple(s.key for s in SPEC.sections)


def _region(regions: dict[str, list[Line]], key: str, body: list[Line]) -> list[Line]:
    """The lines a table is read from: its section, up to the end of its printed table; when
    that heading was not found but a later one was, the section before it (a table is never
    printed ahead of its section); nothing when no heading from this section on was found in a
    text that has headings (the text stops before the table: a truncated copy); the whole body
    when there are no headings."""
    if regions.get(key):
        return tables.printed_table(regions[key])
    if not any(regions.values()):
        return body
    at = SECTION_KEYS.index(key)
    if not any(regions.get(k) for k in SECTION_KEYS[at + 1 :]):
        return []
    for k in reversed(SECTION_KEYS[:at]):
        if regions.get(k):
            return regions[k]
    return body


def _note_other_digits(report: Report, lines: list[Line]) -> None:
    """A cell read from a line printed with digits of another script (Arabic-Indic ١٠,
    Devanagari १०, mathematical 𝟏𝟎: values.parse_value reads them as 0-9) says so in its
    note, as a cell of a JSON report does: the reading is the tool's, a person should look."""
    printed: dict[str, str] = {}
    for ln in lines:
        pieces = [c for c in (ln.cells or ln.text.split()) if other_digits(c)]
        if pieces:
            printed[ln.where] = "、".join(f"“{p}”" for p in pieces[:3])
    if not printed:
        return
    for key in report.spec.keys:
        where = report.addresses.get(key, "")
        if where in printed and is_number(report.values.get(key)):
            kinds = script_of(other_digits("".join(printed[where])))
            note = f"原文此行{printed[where]}含非 0-9 的数字字符（{kinds}），已按 0-9 读取，请与原件核对"
            prev = report.notes.get(key)
            report.notes[key] = f"{prev}；{note}" if prev else note


def parse_lines(
    lines: list[Line],
    source: str = "",
    previous: Report | None = None,
    read: list[tables.TableRead] | None = None,
) -> Report:
    """`read`: tables 二, 三, 四 already read from the source's geometry (a scan's ruled grids),
    in that order; a table not found there (`found` False) is read from the lines."""
    lines = flat.restore(lines)
    out = sections.outline(lines)
    report = Report(source=source)
    agency, year = sections.title_parts(out.title) if out.title else ("", None)
    if not agency and out.signature:
        agency = sections.clean_agency(out.signature)
    preface_paras = sections.paragraphs(out.preface)
    preface_text = "\n".join(t for t, _ in preface_paras)
    all_text = "\n".join(ln.text for ln in lines)
    if year is None:
        m = re.search(r"(\d{4})\s*年\s*1\s*月\s*1\s*日", preface_text) or re.search(r"(\d{4})\s*年", preface_text)
        year = int(m.group(1)) if m else None
    # a printed 发布日期 is the publication date; the sign-off date (or one under the title) only
    # stands in for it, and observed["published_from"] says which one was taken (S4 says so)
    published, published_from = next(
        ((d, how) for d, how in ((out.page_date, "发布日期"), (out.signature_date, "落款日期"), (out.title_date, "标题下日期")) if d),
        ("", ""),
    )
    meta = Meta(agency=agency, year=year, level=guess_level(agency), published=published)
    info = sections.contacts(preface_text or all_text, agency)
    if not info["contact_address"] and not info["contact_phone"]:
        info = sections.contacts(all_text, agency)
    for k, v in info.items():
        setattr(meta, k, v)
    report.meta = meta

    # narrative; where each paragraph starts in the source, so that a finding can point at it
    report.sections["preface"] = preface_text
    paragraph_where = {"preface": [w for _, w in preface_paras]}
    s1_paras = sections.paragraphs(out.sections.get("s1", []))
    first_where = {t: w for t, w in reversed(s1_paras)}
    for key, texts in sections.split_s1(s1_paras).items():
        report.sections[key] = "\n".join(texts)
        paragraph_where[key] = [first_where.get(t, "") for t in texts]
    for key in ("s2", "s3", "s4", "s5", "s6"):
        lines_of = out.sections.get(key, [])
        if key in ("s2", "s3", "s4"):
            lines_of = [ln for ln in lines_of if ln.cells is None and "。" in ln.text]
        paras = sections.paragraphs(lines_of)
        report.sections[key] = "\n".join(t for t, _ in paras)
        paragraph_where[key] = [w for _, w in paras]

    # tables
    region = {k: out.sections.get(k) or [] for k in SECTION_KEYS}
    body = [ln for k in ("s1", "s2", "s3", "s4", "s5", "s6") for ln in out.sections.get(k, [])] or lines
    given = read or [tables.TableRead()] * 3
    t2 = given[0] if given[0].found else tables.read_t2(_region(region, "s2", body))  # type: ignore[arg-type]
    t3 = given[1] if given[1].found else tables.read_t3(_region(region, "s3", body))
    t4 = given[2] if given[2].found else tables.read_t4(_region(region, "s4", body))
    if not out.headings and not (t2.found or t3.found or t4.found):
        raise InputError(
            "未能识别为政府信息公开工作年度报告：既没有找到六个部分的标题，也没有找到表二至表四", path=source
        )
    old = tables.old_format_labels(region["s2"] or body)
    narrative = "\n".join(report.sections.get(p.key, "") for p in SPEC.parts)
    summary: dict[str, list[str]] = {"repaired": [], "ambiguous": [], "unreadable": []}
    if old and not given[0].found:  # read what means the same in the 2021 keys; the rest of table 二 is absent
        t2 = tables.read_t2_2019(_region(region, "s2", body))  # type: ignore[arg-type]
    reads = [t2, t3, t4]
    cut = find_cut(lines, out.headings, out.implied, bool(out.signature_date))
    # a plain text that stops in the middle of a line (no line break after it): the row it stops
    # in is read up to its last whole number, the cells after that were never printed. A line
    # that ended is a row as printed (one with a dropped cell is the solver's to read).
    stop = lines[-1].where if lines and lines[-1].text.strip() and _TEXT_LINE.match(lines[-1].where) else ""
    rows = []
    for read in reads:
        for row in read.rows:
            if stop and row.where and row.where.split("、")[-1] == stop:
                row, absent = cut_row(row, broken=True)
                for k in absent:
                    read.notes[k] = CUT_NOTE
            rows.append(row)
    fixed = {k: v for read_ in reads for k, v in read_.fixed.items()}
    result = repair.solve(rows, fixed=fixed, clues=_clues(narrative, previous))
    virtual = {k for read in reads for k in read.virtual}
    for key, value in result.values.items():
        if key in virtual:
            report.extra[key] = value
        else:
            report.values[key] = value  # type: ignore[assignment]
    for read in reads:
        for key, where in read.where.items():
            if key not in read.virtual:
                report.addresses[key] = where
        for key, note in read.notes.items():
            if SPEC.has_cell(key) or key in read.virtual:
                report.notes[key] = note
    for key, note in result.notes.items():
        prev = report.notes.get(key)
        report.notes[key] = f"{prev}；{note}" if prev and note not in prev else note
    summary["ambiguous"] = sorted(k for k in result.ambiguous if k not in virtual)
    summary["unreadable"] = sorted(k for k in result.unreadable if k not in virtual)
    summary["repaired"] = [
        k for k in result.notes if k not in result.ambiguous and k not in result.unreadable and k not in virtual
    ]
    if result.violated:  # the one reading left breaks these identities: the report's own defect
        summary["violated"] = list(result.violated)
    if old:
        for cell in SPEC.cells_of("t2"):
            if cell.key not in result.values:
                report.values[cell.key] = ABSENT
                report.notes[cell.key] = "原文表二为 2019 年格式，没有与此格含义相同的栏目"
    for key in SPEC.keys:
        if report.values.get(key) is None and key not in report.addresses and key not in report.notes:
            report.values[key] = ABSENT  # never printed: not a blank
            report.notes[key] = "原文未找到此格"
    _note_other_digits(report, lines)
    if old:
        label, where = old[0]
        report.notes["old_format_label"] = label
        report.notes["old_format_where"] = f"表二（{where}）"
    layout = _t2_layout(report, t2) if not old and not (cut and "s2" in cut.sections) else None
    if cut is not None:
        last = max((h["section"] for h in out.headings), key=SECTION_KEYS.index, default="")
        cut.cells = [k for k in cells_after(report.values, last, cut.sections) if not (layout and k in layout["cells"])]
        for k in cut.cells:
            report.notes[k] = f"原文在“{cut.text}”处截断，此格在截断处之后，未印出"

    report.observed = {
        "title": out.title,
        "title_where": out.title_where,
        "headings": out.headings,
        "implied_sections": out.implied,
        "tables": [k for k, r in (("t2", t2), ("t3", t3), ("t4", t4)) if r.found],
        "signature": out.signature,
        "signature_date": out.signature_date,
        "old_format_labels": sorted({lb for lb, _ in old}),
        "t3_rows": 23 if t3.variant23 else 25,
        "repair": summary,
        "paragraph_where": paragraph_where,  # part key -> where each of its paragraphs starts
    }
    if published_from:
        report.observed["published_from"] = published_from
    if cut is not None:
        report.observed["cut"] = cut.to_dict()  # D2: what was never reached is not the agency's omission
    if layout:
        report.observed["t2_layout"] = layout  # F1: table 二 in an older layout
    return report


_TEXT_LINE = re.compile(r"^第\d+行(?:第\d+字)?$")
CUT_NOTE = "原文在此行中途结束（文本被截断），此格未印出"


def _t2_layout(report: Report, t2: tables.TableRead) -> dict | None:
    """Table 二 printed in an older layout: its 规章 row left out while the rows after it are
    printed, or a row printed under its old label (规范性文件 for 行政规范性文件). One F1
    finding names it; the cells of the missing row are its cells (not S7's)."""
    reg = [f"t2.reg_{m}" for m in T2_DOC_MEASURES]
    norm_row = [f"t2.norm_{m}" for m in T2_DOC_MEASURES]
    printed = [k for k in SPEC.keys if k.startswith("t2.") and not is_absent(report.values[k])]
    missing = [k for k in reg if is_absent(report.values[k])] if any(k in printed for k in norm_row) else []
    if len(missing) != len(reg):
        missing = []
    if not missing and not t2.labels:
        return None
    where = next((report.addresses.get(k, "") for k in norm_row if report.addresses.get(k)), "")
    return {"missing": ["规章"] if missing else [], "labels": dict(t2.labels), "cells": missing, "where": where}
