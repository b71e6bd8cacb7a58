"""Lines of a published report -> Report: outline, metadata, narrative, tables, repair."""

from __future__ import annotations

import re

from ..agency import guess_level
from ..errors import InputError
from ..report import Meta, Report
from ..spec import SPEC
from ..spec.format2021 import T2_DOC_MEASURES, T2_DOCS, T3_COLS
from ..values import ABSENT, is_number
from . import flat, repair, sections, tables
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


_TEXT_LINE = re.compile(r"^第\d+行$")
CUT_NOTE = "原文在此行中途结束（文本被截断），此格未印出"


def cut_line(lines: list[Line]) -> str:
    """Where a plain text stops in the middle of a line (no line break after its last line,
    as a truncated copy does); "" when it ends with a line break or is not plain text."""
    if lines and lines[-1].text.strip() and _TEXT_LINE.match(lines[-1].where):
        return lines[-1].where
    return ""


def cut_row(row: repair.Row) -> tuple[repair.Row, list[str]]:
    """A table row the text stops in: the tokens printed before the last one are read in
    order; the last (it may itself be cut: "10" printed as "1") and the cells after it were
    never printed. A last count "0" is whole (no count goes on after a leading 0). Returns the
    row and its absent keys."""
    printed = ["" if t == "空" else t for t in row.raw.split()]
    kinds = [SPEC.cell(k).kind if SPEC.has_cell(k) else "count" for k in row.keys]
    whole = printed[-1:] == ["0"] and len(printed) <= len(kinds) and kinds[len(printed) - 1] == "count"
    tokens = printed if whole else printed[:-1]
    if len(tokens) > len(row.keys):
        return row, []
    n = len(tokens)
    segments = [repair.Segment(row.keys[:n], tuple(kinds[:n]), tuple(tokens))] if n else []
    segments.append(repair.absent_segment(row.keys[n:]))
    return repair.Row(row.keys, [repair.Option(segments)], row.raw, row.where), list(row.keys[n:])


SECTION_KEYS = tuple(s.key for s in SPEC.sections)


def _region(regions: dict[str, list[Line]], key: str, body: list[Line]) -> list[Line]:
    """The lines a table is read from: its section; when that heading was not found but a
    later one was, the section before it (a table is never printed ahead of its section);
    nothing when no heading from this section on was found in a text that has headings (the
    text stops before the table: a truncated copy); the whole body when there are no headings."""
    if regions.get(key):
        return regions[key]
    if not any(regions.values()):
        return body
    at = SECTION_KEYS.index(key)
    if not any(regions.get(k) for k in SECTION_KEYS[at + 1 :]):
        return []
    for k in reversed(SECTION_KEYS[:at]):
        if regions.get(k):
            return regions[k]
    return body


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
        agency = out.signature
    preface_paras = sections.paragraphs(out.preface)
    preface_text = "\n".join(t for t, _ in preface_paras)
    all_text = "\n".join(ln.text for ln in lines)
    if year is None:
        m = re.search(r"(\d{4})\s*年\s*1\s*月\s*1\s*日", preface_text) or re.search(r"(\d{4})\s*年", preface_text)
        year = int(m.group(1)) if m else None
    meta = Meta(agency=agency, year=year, level=guess_level(agency), published=out.signature_date or out.page_date)
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
    cut = cut_line(lines)
    rows = []
    for read in reads:
        for row in read.rows:
            if cut and row.where and row.where.split("、")[-1] == cut:
                row, absent = cut_row(row)
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
    if old:
        label, where = old[0]
        report.notes["old_format_label"] = label
        report.notes["old_format_where"] = f"表二（{where}）"

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
    return report
