"""审核: evaluate the spec's rules on a Report (and last year's) and return Findings.

Missing-value policy (stated, as VTL and EBA rules do): an identity instance is evaluated only
when every operand is a valid number. A blank, "/", text, negative or fractional operand gets
its own T*-N finding instead, so one bad cell never yields a misleading sum failure too.
A cell the source never printed (`ABSENT`: a truncated page, a table or row left out) gets no
T*-N finding: each table with absent cells gets one S7 finding, and identities involving
them are not evaluated either.
"""

from __future__ import annotations

from decimal import Decimal

from ..previous import CARRY
from ..report import Report
from ..spec import SPEC, Identity, Rule
from ..spec.format2021 import T2_DOC_MEASURES, T2_DOCS, T3_COLS, T3_GROUPS, T3_ROWS
from ..values import ABSENT_TEXT, Doubt, format_value, is_absent, is_number, is_unsettled, problem
from .findings import CellRef, Finding

NUMBER_RULE = {"t2": "T2-N", "t3": "T3-N", "t4": "T4-N"}
# Identity rules evaluated on the 200 cells (T3-G* only where a printed subtotal exists).
IDENTITY_RULES = ("E1", "T3-R", "T3-G3", "T3-G4", "T3-G5", "T3-G6", "T3-T", "T4-1", "T4-2", "T4-3")


def _ref(report: Report, key: str) -> CellRef:
    return CellRef(key, report.address(key), report.value(key))


def _term(report: Report, key: str) -> str:
    name = report.spec.cell(key).short if report.spec.has_cell(key) else _virtual_name(key)
    return f"{name} {format_value(report.value(key))}"


def _terms(report: Report, keys: tuple[str, ...]) -> str:
    """Operands as "名称 值 + …"; long sums name only the non-zero terms."""
    if len(keys) <= 6:
        return " + ".join(_term(report, k) for k in keys)
    shown = [_term(report, k) for k in keys if report.value(k) != 0]
    rest = len(keys) - len(shown)
    text = " + ".join(shown) if shown else "各细项"
    return f"{text}（其余 {rest} 项为 0）" if rest and shown else text


def _side(report: Report, keys: tuple[str, ...], total: int | Decimal) -> str:
    """One side of an identity: "名称 值 + … 合计 N", or just "名称 值" for a single cell
    (not "本年新收·总计 99 合计 99")."""
    terms = _terms(report, keys)
    return terms if len(keys) == 1 else f"{terms} 合计 {format_value(total)}"


def _virtual_name(key: str) -> str:
    _, group, col = key.split(".")
    return f"{T3_GROUPS[group][0]}小计·{dict(T3_COLS)[col]}"


def rule_finding(rule: Rule, report: Report, **kw: object) -> Finding:
    """A Finding of `rule` (ref defaults to the rule id; severity to the rule's), with the
    说明 the report holds for its ref. Every check builds its findings through this."""
    ref = str(kw.pop("ref", "") or rule.id)
    severity = str(kw.pop("severity", "") or rule.severity)
    return Finding(
        rule=rule.id,
        severity=severity,
        scope=rule.scope,
        title=rule.title,
        text=rule.text,
        ref=ref,
        explanation=report.explanations.get(ref, ""),
        **kw,  # type: ignore[arg-type]
    )


def evaluate_identity(report: Report, rule: Rule, ident: Identity) -> Finding | None:
    keys = ident.left + ident.right
    values = [report.value(k) for k in keys]
    if not all(map(is_number, values)):
        return None  # reported by the N rules (or, for virtual subtotals, not printed)
    n = len(ident.left)
    left = sum(values[:n], start=0)  # type: ignore[arg-type]
    right = sum(values[n:], start=0)  # type: ignore[arg-type]
    if left == right:
        return None  # the finding (message, cells) is built only where the identity fails
    imbalance = left - right
    message = rule.message.format(
        where=ident.where,
        left_side=_side(report, ident.left, left),
        right_side=_side(report, ident.right, right),
        imbalance=_signed(imbalance),
    )
    return rule_finding(
        rule,
        report,
        ref=ident.ref,
        message=message,
        cells=[_ref(report, k) for k in keys],
        expected=right,
        actual=left,
        imbalance=imbalance,
    )


def _signed(v: int | Decimal) -> str:
    return ("+" if v > 0 else "") + format_value(v)


def blank_for_its_parts(report: Report, key: str) -> bool:
    """A formula total left blank because a part of it is not a number yet (a blank template):
    not a finding of its own, the parts are reported."""
    if key not in report.formulas or report.value(key) is not None:
        return False
    return any(
        not is_number(report.value(k))
        for ident in _derivations(report).get(key, ())
        for k in ident.left + ident.right
        if k != key
    )


_DERIVATIONS: dict[int, tuple[object, dict[str, list[Identity]]]] = {}


def _derivations(report: Report) -> dict[str, list[Identity]]:
    """Cell key -> the identities that derive it (the formula totals of the template); built
    once per spec (a batch audits thousands of reports of one spec). Read-only for callers."""
    spec = report.spec
    hit = _DERIVATIONS.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    out: dict[str, list[Identity]] = {}
    for rule in spec.rules:
        for ident in rule.identities:
            if ident.derive:
                out.setdefault(ident.derive, []).append(ident)
    _DERIVATIONS[id(spec)] = (spec, out)
    return out


def check_numbers(report: Report) -> list[Finding]:
    out = []
    for cell in report.spec.cells:
        value = report.value(cell.key)
        why = problem(value, cell.kind)
        if why is None or is_unsettled(value):
            continue  # absent cells: one S7 per table (check_absent); in doubt: one D1 per row (check_doubt)
        if blank_for_its_parts(report, cell.key):
            continue  # a formula total blank because its parts are: the parts are reported
        note = report.notes.get(cell.key, "")
        if note.startswith(("无法确定", "无法读取")):
            # an importer could not settle the printed cell: say so, not that the report wrote text
            why = f"不能从原文唯一读出的数（{note}）"
        rule = report.spec.rule(NUMBER_RULE[cell.table])
        expected = "非负整数" if cell.kind == "count" else "非负数（万元）"
        where = f"表{report.spec.table(cell.table).number}“{cell.short}”"
        addr = report.address(cell.key)
        if addr:
            where += f"（{addr}）"
        out.append(
            rule_finding(
                rule,
                report,
                ref=f"{rule.id}:{cell.key}",
                message=rule.message.format(where=where, expected_kind=expected, actual=why),
                cells=[_ref(report, cell.key)],
                expected=expected,
                actual=value,
            )
        )
    return out


def check_identities(report: Report) -> list[Finding]:
    out = []
    for rule_id in IDENTITY_RULES:
        rule = report.spec.rule(rule_id)
        for ident in rule.identities:
            f = evaluate_identity(report, rule, ident)
            if f:
                out.append(f)
    return out


_T3_ROW_LABELS = {row: f"{group}·{label}" if group else label for row, group, label in T3_ROWS}
MAX_PLACES = 3  # places named in an S7 message


def _place(report: Report, key: str) -> str:
    """Where an absent cell sits, as a reader of the table names it: the row of 表三, the row
    of 表二, the cell of 表四 (one printed row)."""
    cell = report.spec.cell(key)
    if cell.table == "t3":
        return _T3_ROW_LABELS.get(cell.row, cell.short)
    if cell.table == "t2":
        return cell.short.split("·")[0]
    return cell.short


# Cells the 2019 format (国办公开办函〔2019〕60号) does not have in the 2021 meaning: table 二 has
# other columns, and table 三 prints （六）其他处理 as one row. In a 2019-format report (F1) their
# absence is F1's finding, not S7's.
NOT_IN_2019_FORMAT = frozenset(
    [c.key for c in SPEC.cells_of("t2")] + [f"t3.{row}.{col}" for row in T3_GROUPS["other"][1] for col, _ in T3_COLS]
)


def elsewhere(report: Report) -> set[str]:
    """Absent cells another finding accounts for: those after the point where the source text
    stops (D2: never printed in what we were given) and the row an older table-二 layout left
    out (F1)."""
    cut = report.observed.get("cut") or {}
    layout = report.observed.get("t2_layout") or {}
    return set(cut.get("cells") or []) | set(layout.get("cells") or [])


def check_absent(report: Report) -> list[Finding]:
    """S7: one finding per table with cells the source never printed, naming where they start.
    In a 2019-format report the cells that format lacks are left to F1; cells after the point
    where the text stops are D2's, the 规章 row of an older table-二 layout F1's."""
    rule = report.spec.rule("S7")
    old = bool(report.notes.get("old_format_label"))
    other = elsewhere(report)
    out = []
    for table in report.spec.tables:
        keys = [
            c.key for c in report.spec.cells_of(table.key)
            if not (old and c.key in NOT_IN_2019_FORMAT) and c.key not in other
        ]  # fmt: skip
        if not keys:
            continue
        absent = [k for k in keys if is_absent(report.value(k))]
        if not absent:
            continue
        name = f"表{table.number}"
        count = f"共 {len(absent)} 格{ABSENT_TEXT}"
        if len(absent) == len(keys):
            what = f"{name}未找到，{count}（原文没有这张表，或页面在表前截断）"
        elif absent == keys[len(keys) - len(absent) :]:
            first = report.spec.cell(absent[0])
            where = _place(report, absent[0])
            if table.key == "t3" and first.col != T3_COLS[0][0]:
                where += f"·{dict(T3_COLS)[first.col]}"  # the cut falls inside this row
            what = f"{name}不完整：从“{where}”起未找到，{count}"
        else:
            places = list(dict.fromkeys(_place(report, k) for k in absent))
            shown = "、".join(f"“{p}”" for p in places[:MAX_PLACES])
            more = f"等 {len(places)} 处" if len(places) > MAX_PLACES else ""
            what = f"{name}不完整：{shown}{more}未找到，共 {len(absent)} 格未读到（原文未印出，或印出的行标签无法辨认）"
        message = f"{what}。未印出的格不是空白，也不当作 0，涉及它们的勾稽关系未核对；请取得完整的报告原文。"
        out.append(
            rule_finding(
                rule,
                report,
                ref=f"S7:{table.key}",
                message=message,
                cells=[_ref(report, k) for k in absent],
                expected=f"{len(keys)} 格",
                actual=f"{len(absent)} 格{ABSENT_TEXT}",
            )
        )
    return out


def check_doubt(report: Report) -> list[Finding]:
    """D1 (待核): one finding per printed row whose cells the reader could not settle, naming the
    cells, the printed text and every candidate reading. The doubt is the reader's, not the
    agency's: these cells are in no T*-N finding and no identity that involves them is evaluated."""
    rule = report.spec.rule("D1")
    rows: dict[str, list[str]] = {}
    for key in report.spec.keys:
        value = report.value(key)
        if isinstance(value, Doubt):
            rows.setdefault(value.row or report.address(key) or key, []).append(key)
    out = []
    for keys in rows.values():
        doubts: list[Doubt] = [report.value(k) for k in keys]  # type: ignore[misc]
        first = doubts[0]
        cells = [report.spec.cell(k) for k in keys]
        table = report.spec.table(cells[0].table).number
        names = "、".join(c.short for c in cells)
        where = f"表{table} {len(keys)} 格（{names}）" if len(keys) > 1 else f"表{table}“{names}”"
        addr = report.address(keys[0])
        if addr:
            where += f"，{addr}"
        printed = f"原文“{first.printed}”" if first.printed else "原文此处"
        why = "；".join(dict.fromkeys(d.why for d in doubts if d.why)) or "不能唯一读出"
        if first.row_readings:
            shown = " / ".join(first.row_readings)
            readings = f"可能的读法（按此行顺序）：{shown}"
        elif any(d.readings for d in doubts):
            readings = "可能为：" + "；".join(
                f"{c.short} {' / '.join(format_value(r) for r in d.readings)}"
                for c, d in zip(cells, doubts, strict=True) if d.readings
            )
        else:
            readings = "没有一种读法与此行的格数相符"
        message = (
            f"{where}：{printed}不能唯一读出（{why}），{readings}。这是读取的疑问，不是报告的错误；"
            "请对照原件核定，核定前不据这些格判断报告对错。"
        )
        out.append(
            rule_finding(
                rule,
                report,
                ref=f"D1:{keys[0]}",
                message=message,
                cells=[_ref(report, k) for k in keys],
                expected=" / ".join(first.row_readings) if first.row_readings else None,
                actual=first.printed or None,
            )
        )
    return out


def check_old_format(report: Report) -> list[Finding]:
    """One finding when the source used 2019-format labels (set by readers in report.notes), and
    one when table 二 is printed in an older layout (observed["t2_layout"])."""
    out = []
    rule = report.spec.rule("F1")
    label = report.notes.get("old_format_label")
    if label:
        where = report.notes.get("old_format_where", "表格")
        out.append(rule_finding(rule, report, message=rule.message.format(where=where, label=label)))
    layout = report.observed.get("t2_layout")
    if layout and not label:
        out.append(_t2_layout_finding(report, rule, layout))
    return out


def _t2_layout_finding(report: Report, rule: Rule, layout: dict) -> Finding:
    """F1: table 二 printed in an older layout, named as such (not only as incomplete): 强制 when
    the 规章 row is left out (its cells are not printed), a 提示 when only a label is the old one
    (every cell is printed and read)."""
    labels = layout.get("labels") or {}
    where = f"（{layout['where']}）" if layout.get("where") else ""
    said = []
    if layout.get("missing"):
        rows = "、".join(f"“{lb}”" for lb in labels.values()) or "“行政规范性文件”"
        said.append(f"第二十条第（一）项只印{rows}一行，没有“规章”行（3 格未印出）")
    for official, printed in labels.items():
        said.append(f"“{official}”行印作“{printed}”")
    message = (
        f"表二{where}按旧表式印制：{'；'.join(said)}。2021 年格式（国办公开办函〔2021〕30号）分列“规章”"
        "“行政规范性文件”两行" + ("，没有制发规章也应印出“规章”行并填 0。" if layout.get("missing") else "。")
    )
    keys = list(layout.get("cells") or []) or [f"t2.norm_{m}" for m in T2_DOC_MEASURES]
    return rule_finding(
        rule, report, ref="F1:t2", message=message, cells=[_ref(report, k) for k in keys],
        severity="" if layout.get("missing") else "提示",
    )


def check_cut(report: Report) -> list[Finding]:
    """D2 (待核): the source text stops before the report does (observed["cut"] from a reader)."""
    cut = report.observed.get("cut")
    if not cut:
        return []
    rule = report.spec.rule("D2")
    beyond = []
    sections = {s.key: s for s in report.spec.sections}
    never = [sections[k] for k in cut.get("sections") or [] if k in sections]
    if never:
        beyond.append(f"第{'、'.join(s.number for s in never)}部分")
    cells = set(cut.get("cells") or [])
    for table in report.spec.tables:
        keys = [c.key for c in report.spec.cells_of(table.key) if c.key in cells]
        if not keys:
            continue
        total = len(report.spec.cells_of(table.key))
        if len(keys) == total:
            beyond.append(f"表{table.number}全部 {total} 格")
        else:
            first = _place(report, keys[0])
            beyond.append(f"表{table.number}从“{first}”起 {len(keys)} 格")
    where = f"（{cut['where']}）" if cut.get("where") else ""
    message = (
        f"原文不完整：在“{cut.get('text', '')}”处截断{where}。"
        + (f"截断处之后的{'、'.join(beyond)}均未印出，按未印出处理；" if beyond else "")
        + "这是取得的原文不完整，不是报告的错误：不据此判断报告缺项，请取得完整原文后重新审核。"
    )
    return [
        rule_finding(
            rule, report, ref="D2", message=message, cells=[_ref(report, k) for k in report.spec.keys if k in cells],
            actual=cut.get("text") or None,
        )
    ]


def check_previous(report: Report, previous: Report) -> list[Finding]:
    """跨期: Y1 (carry-over, 强制) and T2-C (valid documents, 提示)."""
    out = []
    y1 = report.spec.rule("Y1")
    for prev_key, this_key in CARRY:  # the same pairs 导入上年数据 carries
        col = report.spec.cell(this_key).col
        name = dict(T3_COLS)[col]
        this, prev = report.value(this_key), previous.value(prev_key)
        if not (is_number(this) and is_number(prev)) or this == prev:
            continue
        prev_ref = CellRef(prev_key, _prev_address(previous, prev_key), prev)
        out.append(
            rule_finding(
                y1,
                report,
                ref=f"Y1:{col}",
                message=y1.message.format(
                    where=name,
                    actual=format_value(this),
                    expected=format_value(prev),
                    imbalance=_signed(this - prev),  # type: ignore[operator]
                ),
                cells=[_ref(report, this_key), prev_ref],
                expected=prev,
                actual=this,
                imbalance=this - prev,  # type: ignore[operator]
            )
        )
    t2c = report.spec.rule("T2-C")
    for row, name in T2_DOCS:
        keys = [f"t2.{row}_{m}" for m in T2_DOC_MEASURES]
        made, repealed, valid = (report.value(k) for k in keys)
        prev = previous.value(f"t2.{row}_valid")
        if not all(is_number(v) for v in (made, repealed, valid, prev)):
            continue
        expected = prev + made - repealed  # type: ignore[operator]
        if expected == valid:
            continue
        prev_ref = CellRef(f"t2.{row}_valid", _prev_address(previous, f"t2.{row}_valid"), prev)
        out.append(
            rule_finding(
                t2c,
                report,
                ref=f"T2-C:{row}",
                message=t2c.message.format(
                    where=name,
                    previous=format_value(prev),
                    made=format_value(made),
                    repealed=format_value(repealed),
                    expected=format_value(expected),
                    actual=format_value(valid),
                    imbalance=_signed(valid - expected),  # type: ignore[operator]
                ),
                cells=[_ref(report, k) for k in keys] + [prev_ref],
                expected=expected,
                actual=valid,
                imbalance=valid - expected,  # type: ignore[operator]
            )
        )
    return out


def _prev_address(previous: Report, key: str) -> str:
    addr = previous.address(key)
    label = f"上年{previous.meta.year}" if previous.meta.year else "上年"
    return f"{label}:{addr}" if addr else label


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """All table rules (and cross-year rules when last year's report is given, or carried in
    the workbook as `report.previous`), 强制 first."""
    previous = previous if previous is not None else report.previous
    findings = (
        check_old_format(report) + check_absent(report) + check_cut(report) + check_doubt(report)
        + check_numbers(report) + check_identities(report)
    )
    if previous is not None:
        findings += check_previous(report, previous)
    findings.sort(key=Finding.sort_key)
    return findings


def rule_status(report: Report, rule_id: str, previous: Report | None = None) -> list[Finding]:
    """Findings of one rule (for the =NB_RULE() UDF and the 校验 sheet)."""
    return [f for f in check(report, previous) if f.rule == rule_id]


__all__ = ["check", "check_absent", "check_cut", "check_doubt", "elsewhere", "check_identities", "check_numbers", "check_previous", "evaluate_identity", "rule_finding",
           "rule_status"]
