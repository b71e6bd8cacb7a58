"""The 2021 format (国办公开办函〔2021〕30号) as data.

Labels are verbatim from `shared/spec/format-2021.md` (full-width brackets and quotes as
printed). Cell keys follow §7 of that file. Every rule of §4 is here with its id.
"""

from __future__ import annotations

from .model import (
    Block,
    Cell,
    HeaderCell,
    Identity,
    Level,
    NarrativePart,
    RowLabel,
    Rule,
    Section,
    Spec,
    Table,
)

# --------------------------------------------------------------------------- sections

SECTIONS = (
    Section("s1", "一", "一、总体情况（文字描述）", "总体情况"),
    Section("s2", "二", "二、主动公开政府信息情况", "主动公开政府信息情况", table="t2"),
    Section("s3", "三", "三、收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请情况", table="t3"),
    Section(
        "s4", "四", "四、政府信息公开行政复议、行政诉讼情况", "政府信息公开行政复议、行政诉讼情况", table="t4"
    ),
    Section("s5", "五", "五、存在的主要问题及改进情况（文字描述）", "存在的主要问题及改进情况"),
    Section(
        "s6",
        "六",
        "六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）",
        "其他需要报告的事项",
    ),
)

# Narrative parts, in document order. Section 一 has the five parts the format names.
PARTS = (
    NarrativePart("preface", "", "前言"),
    NarrativePart("s1.intro", "s1", "总体情况（综述）"),
    NarrativePart("s1.active", "s1", "主动公开"),
    NarrativePart("s1.request", "s1", "依申请公开"),
    NarrativePart("s1.management", "s1", "政府信息管理"),
    NarrativePart("s1.platform", "s1", "政府信息公开平台建设"),
    NarrativePart("s1.oversight", "s1", "监督保障"),
    NarrativePart("s2", "s2", "主动公开政府信息情况（表外文字）"),
    NarrativePart("s3", "s3", "收到和处理政府信息公开申请情况（表外文字）"),
    NarrativePart("s4", "s4", "行政复议、行政诉讼情况（表外文字）"),
    NarrativePart("s5", "s5", "存在的主要问题及改进情况"),
    NarrativePart("s6", "s6", "其他需要报告的事项"),
)

# --------------------------------------------------------------------------- table 二

# The documents of table 二's first block (row key, label); each has made/repealed/valid
# cells "t2.<row>_<measure>", linked across years by T2-C.
T2_DOCS = (("reg", "规章"), ("norm", "行政规范性文件"))
T2_DOC_MEASURES = ("made", "repealed", "valid")

T2_BLOCKS = (
    Block(
        "第二十条第（一）项",
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        tuple((label, tuple(f"t2.{row}_{m}" for m in T2_DOC_MEASURES)) for row, label in T2_DOCS),
    ),
    Block("第二十条第（五）项", ("信息内容", "本年处理决定数量"), (("行政许可", ("t2.licensing",)),)),
    Block(
        "第二十条第（六）项",
        ("信息内容", "本年处理决定数量"),
        (("行政处罚", ("t2.penalty",)), ("行政强制", ("t2.coercion",))),
    ),
    Block(
        "第二十条第（八）项",
        ("信息内容", "本年收费金额（单位：万元）"),
        (("行政事业性收费", ("t2.fee_wan",)),),
    ),
)


def _t2_cells() -> list[Cell]:
    cells = []
    for block in T2_BLOCKS:
        for row_label, keys in block.rows:
            for i, key in enumerate(keys):
                col_label = block.columns[1 + i]
                kind = "amount" if key == "t2.fee_wan" else "count"
                row = key.split(".", 1)[1]
                cells.append(
                    Cell(
                        key=key,
                        table="t2",
                        row=row,
                        col="",
                        kind=kind,
                        label=f"{block.title} / {row_label} / {col_label}",
                        short=f"{row_label}·{col_label}",
                    )
                )
    return cells


# --------------------------------------------------------------------------- table 三

T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

T3_COLS = (
    ("natural", "自然人"),
    ("biz", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_PARTY_COLS = tuple(k for k, _ in T3_COLS if k != "total")

# (row key, group label or "", row label); group labels are the （三）…（六） headings.
T3_ROWS = (
    ("new", "", "一、本年新收政府信息公开申请数量"),
    ("carry_in", "", "二、上年结转政府信息公开申请数量"),
    ("open", "", "（一）予以公开"),
    ("partial", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("deny_1", "（三）不予公开", "1.属于国家秘密"),
    ("deny_2", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("deny_3", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("deny_4", "（三）不予公开", "4.保护第三方合法权益"),
    ("deny_5", "（三）不予公开", "5.属于三类内部事务信息"),
    ("deny_6", "（三）不予公开", "6.属于四类过程性信息"),
    ("deny_7", "（三）不予公开", "7.属于行政执法案卷"),
    ("deny_8", "（三）不予公开", "8.属于行政查询事项"),
    ("unable_1", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_2", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable_3", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("noproc_1", "（五）不予处理", "1.信访举报投诉类申请"),
    ("noproc_2", "（五）不予处理", "2.重复申请"),
    ("noproc_3", "（五）不予处理", "3.要求提供公开出版物"),
    ("noproc_4", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("noproc_5", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_1", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_2", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_3", "（六）其他处理", "3.其他"),
    ("total", "", "（七）总计"),
    ("carry_out", "", "四、结转下年度继续办理"),
)
T3_RESULT_LABEL = "三、本年度办理结果"
T3_DETAIL_ROWS = tuple(r for r, _, _ in T3_ROWS[2:-2])  # the 21 result rows summed by （七） (2 + 8 + 3 + 5 + 3)
T3_GROUPS = {
    "deny": ("（三）不予公开", tuple(f"deny_{i}" for i in range(1, 9))),
    "unable": ("（四）无法提供", tuple(f"unable_{i}" for i in range(1, 4))),
    "noproc": ("（五）不予处理", tuple(f"noproc_{i}" for i in range(1, 6))),
    "other": ("（六）其他处理", tuple(f"other_{i}" for i in range(1, 4))),
}

# Short row names for messages.
T3_SHORT = {
    "new": "本年新收",
    "carry_in": "上年结转",
    "open": "予以公开",
    "partial": "部分公开",
    "total": "（七）总计",
    "carry_out": "结转下年度",
}


def _t3_short(row: str, label: str, group: str) -> str:
    if row in T3_SHORT:
        return T3_SHORT[row]
    return f"{group[3:]}{label.split('.', 1)[0]}"  # e.g. "不予公开1"


def _t3_cells() -> list[Cell]:
    cells = []
    for row, group, label in T3_ROWS:
        if row not in ("new", "carry_in", "carry_out"):
            path = [T3_RESULT_LABEL] + ([group] if group else []) + [label]
        else:
            path = [label]
        for col, col_label in T3_COLS:
            col_path = "申请人情况 / " + (
                col_label if col in ("natural", "total") else f"法人或其他组织 / {col_label}"
            )
            cells.append(
                Cell(
                    key=f"t3.{row}.{col}",
                    table="t3",
                    row=row,
                    col=col,
                    kind="count",
                    label=" / ".join(path) + " | " + col_path,
                    short=f"{_t3_short(row, label, group)}·{col_label}",
                    derived=(col == "total" or row == "total"),
                )
            )
    return cells


def _t3_header() -> tuple[HeaderCell, ...]:
    # Grid of 3 label columns + 7 data columns, 3 header rows.
    return (
        HeaderCell(T3_CORNER, 0, 0, rowspan=3, colspan=3),
        HeaderCell("申请人情况", 0, 3, colspan=7),
        HeaderCell("自然人", 1, 3, rowspan=2),
        HeaderCell("法人或其他组织", 1, 4, colspan=5),
        HeaderCell("总计", 1, 9, rowspan=2),
        HeaderCell("商业企业", 2, 4),
        HeaderCell("科研机构", 2, 5),
        HeaderCell("社会公益组织", 2, 6),
        HeaderCell("法律服务机构", 2, 7),
        HeaderCell("其他", 2, 8),
    )


def _t3_body_labels() -> tuple[RowLabel, ...]:
    labels: list[RowLabel] = []
    index = {row: i for i, (row, _, _) in enumerate(T3_ROWS)}
    for row, group, label in T3_ROWS:
        i = index[row]
        if row in ("new", "carry_in", "carry_out"):
            labels.append(RowLabel(label, i, 0, colspan=3))
        elif not group:
            labels.append(RowLabel(label, i, 1, colspan=2))
        else:
            labels.append(RowLabel(label, i, 2))
    labels.append(RowLabel(T3_RESULT_LABEL, index["open"], 0, rowspan=22))
    for name, members in T3_GROUPS.values():
        labels.append(RowLabel(name, index[members[0]], 1, rowspan=len(members)))
    return tuple(sorted(labels, key=lambda lb: (lb.row, lb.col)))


# --------------------------------------------------------------------------- table 四

T4_SUFFIXES = (
    ("keep", "结果维持"),
    ("correct", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_GROUPS = (
    ("review", "行政复议", None),
    ("suit_direct", "行政诉讼", "未经复议直接起诉"),
    ("suit_after_review", "行政诉讼", "复议后起诉"),
)


def _t4_cells() -> list[Cell]:
    cells = []
    for group, top, sub in T4_GROUPS:
        for suffix, label in T4_SUFFIXES:
            path = " / ".join(p for p in (top, sub, label) if p)
            name = sub or top
            cells.append(
                Cell(
                    key=f"t4.{group}_{suffix}",
                    table="t4",
                    row=group,
                    col=suffix,
                    kind="count",
                    label=path,
                    short=f"{name}·{label}",
                    derived=(suffix == "total"),
                )
            )
    return cells


def _t4_header() -> tuple[HeaderCell, ...]:
    cells = [
        HeaderCell("行政复议", 0, 0, colspan=5),
        HeaderCell("行政诉讼", 0, 5, colspan=10),
        HeaderCell("未经复议直接起诉", 1, 5, colspan=5),
        HeaderCell("复议后起诉", 1, 10, colspan=5),
    ]
    for i, (_, label) in enumerate(T4_SUFFIXES):
        cells.append(HeaderCell(label, 1, i, rowspan=2))
        cells.append(HeaderCell(label, 2, 5 + i))
        cells.append(HeaderCell(label, 2, 10 + i))
    return tuple(sorted(cells, key=lambda h: (h.row, h.col)))


# --------------------------------------------------------------------------- tables

T2_KEYS = tuple(k for b in T2_BLOCKS for _, keys in b.rows for k in keys)

TABLES = (
    Table(
        key="t2",
        number="二",
        title=SECTIONS[1].title,
        sheet="表二",
        label_cols=1,
        data_cols=3,
        blocks=T2_BLOCKS,
    ),
    Table(
        key="t3",
        number="三",
        title=SECTIONS[2].title,
        sheet="表三",
        label_cols=3,
        data_cols=7,
        header=_t3_header(),
        header_rows=3,
        body_labels=_t3_body_labels(),
        body=tuple(tuple(f"t3.{row}.{col}" for col, _ in T3_COLS) for row, _, _ in T3_ROWS),
    ),
    Table(
        key="t4",
        number="四",
        title=SECTIONS[3].title,
        sheet="表四",
        label_cols=0,
        data_cols=15,
        header=_t4_header(),
        header_rows=3,
        body=(tuple(f"t4.{g}_{s}" for g, _, _ in T4_GROUPS for s, _ in T4_SUFFIXES),),
    ),
)

CELLS = tuple(_t2_cells() + _t3_cells() + _t4_cells())

# --------------------------------------------------------------------------- rules

# Message placeholders for identity rules: {where} the instance, {left_side}/{right_side} each
# side as "名称 值 + … 合计 N" (a single cell as just "名称 值"), {imbalance} = left − right.
SUM_MESSAGE = "{where}：{left_side}，应等于 {right_side}，相差 {imbalance}。"

_COL_NAME = dict(T3_COLS)


def _e1() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            "E1",
            col,
            f"表三“{name}”列",
            (f"t3.new.{col}", f"t3.carry_in.{col}"),
            (f"t3.total.{col}", f"t3.carry_out.{col}"),
        )
        for col, name in T3_COLS
    )


def _t3_r() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            "T3-R",
            row,
            f"表三“{_t3_short(row, label, group)}”行",
            (f"t3.{row}.total",),
            tuple(f"t3.{row}.{c}" for c in T3_PARTY_COLS),
            derive=f"t3.{row}.total",
        )
        for row, group, label in T3_ROWS
    )


def _t3_t() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            "T3-T",
            col,
            f"表三“{name}”列",
            (f"t3.total.{col}",),
            tuple(f"t3.{r}.{col}" for r in T3_DETAIL_ROWS),
            derive=f"t3.total.{col}",
        )
        for col, name in T3_COLS
    )


def _t3_group(group: str) -> tuple[Identity, ...]:
    # The 2021 table prints no subtotal row for these groups; the subtotal is a virtual cell
    # (not one of the 200) that only a published report printing such a row supplies.
    name, members = T3_GROUPS[group]
    return tuple(
        Identity(
            "T3-G" + {"deny": "3", "unable": "4", "noproc": "5", "other": "6"}[group],
            col,
            f"表三{name}“{cname}”列",
            (f"t3.{group}.{col}",),
            tuple(f"t3.{m}.{col}" for m in members),
            derive=f"t3.{group}.{col}",
        )
        for col, cname in T3_COLS
    )


def _t4() -> dict[str, tuple[Identity, ...]]:
    out = {}
    for n, (group, top, sub) in enumerate(T4_GROUPS, start=1):
        out[f"T4-{n}"] = (
            Identity(
                f"T4-{n}",
                "",
                f"表四“{sub or top}”",
                (f"t4.{group}_total",),
                tuple(f"t4.{group}_{s}" for s, _ in T4_SUFFIXES[:4]),
                derive=f"t4.{group}_total",
            ),
        )
    return out


_T4 = _t4()

# Virtual subtotal cells used by T3-G3..G6 (never part of the 200 cells, never in the template).
VIRTUAL_KEYS = tuple(f"t3.{g}.{c}" for g in T3_GROUPS for c, _ in T3_COLS)

NUMBER_MESSAGE = "{where}应填写{expected_kind}，实际为{actual}。"

RULES = (
    Rule(
        "E1",
        "表三收支平衡",
        "表内",
        "强制",
        "表三每一列：一、本年新收 + 二、上年结转 = 三、本年度办理结果（（七）总计） + 四、结转下年度继续办理",
        SUM_MESSAGE,
        "【原文】" + T3_CORNER,
        _e1(),
    ),
    Rule(
        "T3-R",
        "表三行合计",
        "表内",
        "强制",
        "表三每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_r(),
    ),
    Rule(
        "T3-G3",
        "不予公开小计",
        "表内",
        "强制",
        "（三）不予公开合计 = 1 + 2 + … + 8（仅当报告印有该小计行时核对）",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_group("deny"),
    ),
    Rule(
        "T3-G4",
        "无法提供小计",
        "表内",
        "强制",
        "（四）无法提供合计 = 1 + 2 + 3（仅当报告印有该小计行时核对）",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_group("unable"),
    ),
    Rule(
        "T3-G5",
        "不予处理小计",
        "表内",
        "强制",
        "（五）不予处理合计 = 1 + 2 + 3 + 4 + 5（仅当报告印有该小计行时核对）",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_group("noproc"),
    ),
    Rule(
        "T3-G6",
        "其他处理小计",
        "表内",
        "强制",
        "（六）其他处理合计 = 1 + 2 + 3（仅当报告印有该小计行时核对）",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_group("other"),
    ),
    Rule(
        "T3-T",
        "办理结果总计",
        "表内",
        "强制",
        "（七）总计 = （一）予以公开 + （二）部分公开 + （三）至（六）全部细项（21 个细项行之和；格式说明文件写作“22个”，实为 2+8+3+5+3=21）",
        SUM_MESSAGE,
        "【推导】表结构",
        _t3_t(),
    ),
    Rule(
        "T4-1", "行政复议总计", "表内", "强制", "行政复议 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        SUM_MESSAGE, "【推导】表结构", _T4["T4-1"],
    ),
    Rule(
        "T4-2", "直接起诉总计", "表内", "强制",
        "行政诉讼 未经复议直接起诉 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        SUM_MESSAGE, "【推导】表结构", _T4["T4-2"],
    ),
    Rule(
        "T4-3", "复议后起诉总计", "表内", "强制",
        "行政诉讼 复议后起诉 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        SUM_MESSAGE, "【推导】表结构", _T4["T4-3"],
    ),
    Rule(
        "T2-N", "表二数值", "表内", "强制",
        "表二件数、决定数为非负整数，收费金额为非负数（万元）；空白、“/”、“-”不等于 0",
        NUMBER_MESSAGE, "【原文】表二列标题；【项目口径】空白不等于0",
    ),
    Rule(
        "T3-N", "表三数值", "表内", "强制",
        "表三所有格为非负整数；空白、“/”、“-”不等于 0", NUMBER_MESSAGE, "【推导】",
    ),
    Rule(
        "T4-N", "表四数值", "表内", "强制",
        "表四所有格为非负整数；空白、“/”、“-”不等于 0", NUMBER_MESSAGE, "【推导】",
    ),
    Rule(
        "T2-C", "现行有效件数衔接", "跨期", "提示",
        "本年现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数（规章、行政规范性文件分别核对）",
        "{where}：上年现行有效 {previous} + 本年制发 {made} − 本年废止 {repealed} = {expected}，"
        "本年现行有效填报 {actual}，相差 {imbalance}。如因失效、有效期届满、修改等原因，请填写说明。",
        "【推导】格式未写明，失效/有效期届满不计入废止，只作提示",
    ),
    Rule(
        "Y1", "上年结转衔接", "跨期", "强制",
        "本年“二、上年结转政府信息公开申请数量”逐列 = 上年“四、结转下年度继续办理”",
        "表三“{where}”列：本年上年结转 {actual}，上年报告结转下年度 {expected}，相差 {imbalance}。",
        "【推导】由定义必然成立；机构合并、职能划转时需说明",
    ),
    Rule(
        "F1", "报表格式版本", "结构", "强制",
        "须使用 2021 年格式（国办公开办函〔2021〕30号）；2019 年试行格式已被取代",
        "{where}出现 2019 年试行格式的标签“{label}”：本报告似按已被取代的 2019 年格式编制，"
        "请改用 2021 年格式（国办公开办函〔2021〕30号）。",
        "【原文】此前统计口径随原条例失效而失效",
    ),
    # Narrative vs table (文表) and structure rules; evaluated by the audit of published reports.
    Rule(
        "X1", "依申请公开叙述与表三", "文表", "提示",
        "第一部分依申请公开叙述中的收到/受理/办结/结转件数及百分比应与表三一致",
        "{message}", "【推导】",
    ),
    Rule("X2", "复议诉讼叙述与表四", "文表", "提示", "叙述中的行政复议、行政诉讼件数应与表四一致", "{message}", "【推导】"),
    Rule("X3", "规章规范性文件叙述与表二", "文表", "提示", "叙述中的规章、规范性文件件数应与表二一致", "{message}", "【推导】"),
    Rule(
        "X4", "信息处理费", "文表", "提示",
        "第六部分应报告信息处理费收取情况，并与表三（六）2 相容", "{message}", "【原文】模板标题括注",
    ),
    Rule("X5", "年度与机关名称一致", "文表", "提示", "报告年度、统计期限、机关名称在标题、引言、正文中一致", "{message}", "【推导】"),
    Rule("X6", "叙述内部加总", "文表", "提示", "叙述中的分项之和应等于所述合计，百分比应与其分母一致", "{message}", "【推导】"),
    Rule("S1", "六个部分齐全有序", "结构", "强制", "六个部分按模板标题和顺序齐全", "{message}", "【原文】附件模板"),
    Rule("S2", "第一部分篇幅", "结构", "提示", "第一部分篇幅原则上不超过一千字", "{message}", "【原文】"),
    Rule("S3", "第五部分内容", "结构", "强制", "第五部分不得为空或只写“无”", "{message}", "【原文】不得敷衍了事"),
    Rule("S4", "发布时限", "结构", "提示", "按机关层级在规定日期前发布", "{message}", "【原文】报告方式及时间"),
    Rule(
        "S5", "第五部分与上年雷同", "跨期", "提示",
        "第五部分与上年报告相似度不得超过 50%", "{message}", "【原文】不得年年雷同；【地方】重复率>50%扣分",
    ),
    Rule(
        "S6", "其他处理占比", "表内", "提示",
        "（六）3“其他”占（七）总计的比例不宜偏高", "{message}", "【原文】2019 格式说明",
    ),
    Rule(
        "S7", "统计表完整", "结构", "强制",
        "表二、表三、表四的每一格都须印出；原文没有印出的格（页面截断、缺表、缺行）不等于空白，也不等于 0",
        "{message}", "【原文】附件表格",
    ),
    Rule(
        "S8", "标题规范", "结构", "提示",
        "标题应为“<机关名称><年度>年政府信息公开工作年度报告”",
        "{message}", "【实践】年度报告的通行标题；格式模板各部分均以“政府信息公开工作”称之",
    ),
    # The reader's own doubt, never the agency's defect (severity 待核, scope 读取).
    Rule(
        "D1", "数据格待核", "读取", "待核",
        "原文印出的数不能唯一读出（多种读法、数字个数与格数对不上、文字识别存疑）时，由人工对照原件核定；"
        "核定前不据此格判断报告对错",
        "{message}", "【本工具】读取",
    ),
    Rule(
        "D2", "原文不完整", "读取", "待核",
        "取得的原文在报告结束前截断（停在表格或行中间，其后没有标题、落款或日期）：截断处之后的部分和数据格"
        "按未印出处理，不据此判断报告缺项，请取得完整原文",
        "{message}", "【本工具】读取",
    ),
    # The supervising office's roster (名单): whether each agency on it published, and on time.
    Rule(
        "R1", "缺报", "名单", "强制", "名单上的机关应在其层级的时限前发布本年度报告",
        "{message}", "【原文】报告方式及时间；条例第四十九条",
    ),
    Rule(
        "R2", "迟报", "名单", "强制",
        "按名单所列层级的时限发布：部门、乡镇 1月31日，县级 2月20日，地市级 3月10日，省级 3月31日",
        "{message}", "【原文】报告方式及时间；“不按时发布”为追责情形",
    ),
    Rule(
        "R3", "名单外报告", "名单", "提示", "报告的机关不在名单上：请核对名单或报告的机关名称",
        "{message}", "【本工具】名单",
    ),
    Rule(
        "R4", "名称待确认", "名单", "待核",
        "报告的机关名称与名单上的机关只是相近（去掉地名后相同、或与多个机关相同），对应关系由人工确认，不作猜测",
        "{message}", "【本工具】名单",
    ),
    Rule(
        "H1", "汇总与下级之和", "表间", "提示",
        "名单标为汇总的机关，其表二、表三、表四各格应等于所属下级机关年报之和",
        "{message}", "【原文】逐级汇总相关情况和数据",
    ),
)

LEVELS = (
    Level("dept", "部门", (1, 31), "县级以上人民政府部门：每年1月31日前提交并向社会公布"),
    Level("town", "乡镇", (1, 31), "乡镇人民政府：参照部门，1月31日前"),
    Level("county", "县", (2, 20), "县级汇总：2月20日前"),
    Level("city", "市", (3, 10), "地市级汇总：3月10日前"),
    Level("province", "省", (3, 31), "省级汇总：3月31日前"),
    Level("vertical", "垂直", (3, 31), "垂直领导系统全系统汇总：3月31日前"),
)

# Labels printed only by the 2019 format (国办公开办函〔2019〕60号).
OLD_FORMAT_LABELS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "其他对外管理服务事项",
    "上一年项目数量",
    "本年增/减",
    "第二十条第（九）项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
)

# Table 二 of the 2019 format, column by column in print order: the 2021 measure each column
# means the same as ("" when the 2021 format has no such cell). Document rows (规章, 规范性文件)
# print three columns, decision rows (行政许可, 行政处罚, 行政强制) three, the fee row two.
T2_2019_COLUMNS = {
    "doc": (("本年新制作数量", "made"), ("本年新公开数量", ""), ("对外公开总数量", "")),
    "decision": (("上一年项目数量", ""), ("本年增/减", ""), ("处理决定数量", "decisions")),
    "fee": (("上一年项目数量", ""), ("本年增/减", "")),
}

SPEC = Spec(
    id="2021",
    name="政府信息公开工作年度报告格式（2021）",
    document="国办公开办函〔2021〕30号",
    sections=SECTIONS,
    parts=PARTS,
    tables=TABLES,
    cells=CELLS,
    rules=RULES,
    levels=LEVELS,
    old_format_labels=OLD_FORMAT_LABELS,
)
