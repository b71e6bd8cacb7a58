"""The 2019 format (国办公开办函〔2019〕60号) read into the 2021 keys: table 二's 本年新制作数量 as
本年制发件数 and 处理决定数量 as 本年处理决定数量 (spec: T2_2019_COLUMNS); the 2021 cells with no
2019 counterpart are absent, not blank. One F1 finding, no T2-N or S7 noise for them."""

from __future__ import annotations

from pathlib import Path

from xladdin.audit import audit
from xladdin.ingest import read_published
from xladdin.spec import SPEC
from xladdin.values import ABSENT

REAL = Path(__file__).parent / "data" / "real"
NO_2019_COUNTERPART = ("t2.reg_repealed", "t2.reg_valid", "t2.norm_repealed", "t2.norm_valid", "t2.fee_wan")


def test_2019_table_two_read_into_the_2021_keys() -> None:
    r = read_published(REAL / "2019_上海市人民政府办公厅.html")
    read = ("t2.reg_made", "t2.norm_made", "t2.licensing", "t2.penalty", "t2.coercion")
    assert [r.values[k] for k in read] == [13, 60, 0, 0, 0]
    assert r.notes["t2.norm_made"] == "原文表二为 2019 年格式：此格按其“本年新制作数量”栏读取"
    assert r.notes["t2.licensing"] == "原文表二为 2019 年格式：此格按其“处理决定数量”栏读取"
    for key in NO_2019_COUNTERPART:
        assert r.values[key] is ABSENT
        assert "没有与此格含义相同的栏目" in r.notes[key]


def test_2019_format_is_one_f1_finding_without_cell_noise() -> None:
    findings = audit(read_published(REAL / "2019_上海市人民政府办公厅.html"))
    f1 = [f for f in findings if f.rule == "F1" and f.ref == "F1"]
    assert len(f1) == 1 and f1[0].severity == "强制"
    t2_keys = {c.key for c in SPEC.cells_of("t2")}
    assert [f.ref for f in findings if f.rule == "T2-N"] == []
    assert not [f for f in findings if f.rule == "S7" and any(c.key in t2_keys for c in f.cells)]


def test_2019_table_two_in_a_later_report() -> None:
    # 西咸新区底张街道 2023: the 2019 table 二 printed in a 2023 report; its 2021 meanings read
    r = read_published(REAL / "2023_西咸新区底张街道办事处.txt")
    assert r.observed["old_format_labels"]
    assert all(r.values[k] is ABSENT for k in NO_2019_COUNTERPART)
    assert all(isinstance(r.values[k], int) for k in ("t2.reg_made", "t2.norm_made", "t2.licensing"))
