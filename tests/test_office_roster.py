"""The roster: reading it (clear Chinese errors naming file, sheet and cell), its template with
the drop-downs, and matching report names to it on real agency-name variants (names of the
reports in tests/data/real and tests/data/examples): confident equivalences only, the unsure
ones left to a person, never guessed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xladdin.cli import main
from xladdin.errors import InputError
from xladdin.office.names import NameIndex, name_key
from xladdin.office.roster import Placed, Roster, read_roster, roster_findings

# Agencies of the real reports in tests/data (and their governments, which name the regions).
ROSTER = [
    "平潭综合实验区管理委员会", "平潭综合实验区经济发展局", "平潭综合实验区财政金融局", "平潭综合实验区公安局",
    "平潭综合实验区综合执法与应急管理局", "平潭综合实验区金井片区管理局", "上海市人民政府办公厅", "上海市科学技术委员会",
    "沭阳县人民政府", "沭阳县人民政府办公室", "沭阳县发展和改革局", "洪泽区人民政府", "海城市西四镇",
    "威海市人民政府", "威海市人力资源和社会保障局", "荣成市人民政府",
]


@pytest.mark.parametrize(("name", "expected", "how"), [
    ("上海市科学技术委员会", "上海市科学技术委员会", "同名"),
    ("上海市\u3000科学技术委员会 ", "上海市科学技术委员会", "同名"),  # a full-width space, a trailing one
    ("上海市政府办公厅", "上海市人民政府办公厅", "名称写法不同"),  # 人民政府/政府
    ("沭阳县政府办", "沭阳县人民政府办公室", "名称写法不同"),  # 人民政府/政府, 办公室/办
    ("平潭综合实验区管委会", "平潭综合实验区管理委员会", "名称写法不同"),  # 管理委员会/管委会
    ("福建省平潭综合实验区经济发展局", "平潭综合实验区经济发展局", "去掉地名后相同"),  # a province in front
    ("福建省平潭综合实验区管委会", "平潭综合实验区管理委员会", "去掉地名后相同"),
    ("山东省威海市人力资源和社会保障局", "威海市人力资源和社会保障局", "去掉地名后相同"),
    ("江苏省宿迁市沭阳县发展和改革局", "沭阳县发展和改革局", "去掉地名后相同"),  # 宿迁市: right before 沭阳县
    ("ＳＨＡＮＧＨＡＩ上海市科学技术委员会", None, ""),  # letters in front: not a region, not guessed
])
def test_real_name_variants(name: str, expected: str | None, how: str) -> None:
    m = NameIndex(ROSTER).match(name)
    if expected is None:
        assert not m.sure
    else:
        assert m.sure and ROSTER[m.entry] == expected and m.how == how


def test_what_is_never_guessed() -> None:
    index = NameIndex(ROSTER)
    assert not index.match("上海市科委").sure  # an abbreviation no rule can vouch for
    assert not index.match("荣成市人力资源和社会保障局").sure  # another city's bureau of the same name
    assert not index.match("平潭综合实验区交通与建设局").candidates  # not on the roster at all
    two = NameIndex(["威海市人力资源和社会保障局", "荣成市人力资源和社会保障局", "威海市人民政府", "荣成市人民政府"])
    m = two.match("人力资源和社会保障局")  # no region: either city's
    assert not m.sure and sorted(m.candidates) == [0, 1]
    assert name_key("平潭综合实验区管理委员会办公室") == name_key("平潭综合实验区管委会办")


def test_roster_findings_list_unsure_names_for_a_person() -> None:
    from xladdin.office.roster import Agency

    roster = Roster([Agency("威海市人力资源和社会保障局", "部门", row=2), Agency("荣成市人力资源和社会保障局", "部门", row=3),
                     Agency("威海市人民政府", "市", row=4), Agency("荣成市人民政府", "县", row=5)])
    placed = [Placed("a.xlsx", "人力资源和社会保障局", 2024, "2025-01-10", roster.match("人力资源和社会保障局")),
              Placed("b.xlsx", "威海市人民政府", 2024, "2025-03-11", roster.match("威海市人民政府")),
              Placed("c.xlsx", "荣成市人民政府", 2024, "", roster.match("荣成市人民政府"))]
    found = {(a, f.rule): f for a, f in roster_findings(roster, placed, 2024)}
    r4 = found[("人力资源和社会保障局", "R4")]
    assert r4.severity == "待核" and "第 2 行" in r4.message and "第 3 行" in r4.message
    assert "另有名称相近、待确认的报告" in found[("威海市人力资源和社会保障局", "R1")].message
    late = found[("威海市人民政府", "R2")]
    assert late.severity == "强制" and "2025-03-10" in late.message and "逾期 1 天" in late.message
    assert ("荣成市人民政府", "R2") not in found  # no publication date: not judged


def _roster_book(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_reading_errors_name_the_file_sheet_and_cell(tmp_path: Path) -> None:
    head = ["机关名称", "层级", "上级机关", "网站", "汇总"]
    with pytest.raises(InputError, match=r"工作表“名单”单元格 A1.*缺少“层级”列"):
        read_roster(_roster_book(tmp_path / "a.xlsx", [["机关名称", "上级"], ["甲局", "部门"]]))
    with pytest.raises(InputError, match=r"单元格 B3.*层级“地级”无效"):
        read_roster(_roster_book(tmp_path / "b.xlsx", [head, ["甲市人民政府", "市"], ["乙局", "地级"]]))
    with pytest.raises(InputError, match=r"单元格 E2.*汇总“对”无效"):
        read_roster(_roster_book(tmp_path / "c.xlsx", [head, ["甲市人民政府", "市", "", "", "对"]]))
    with pytest.raises(InputError, match=r"单元格 A3.*出现两次（另见第 2 行）"):
        read_roster(_roster_book(tmp_path / "d.xlsx", [head, ["甲局", "部门"], ["甲局", "部门"]]))
    with pytest.raises(InputError, match=r"单元格 C2.*上级机关“丙市人民政府”不在名单上"):
        read_roster(_roster_book(tmp_path / "e.xlsx", [head, ["甲局", "部门", "丙市人民政府"]]))
    text = tmp_path / "x.txt"
    text.write_text("机关名称", encoding="utf-8")
    with pytest.raises(InputError, match="名单应为"):
        read_roster(text)
    ok = read_roster(_roster_book(tmp_path / "f.xlsx", [head, ["甲市人民政府", "市级", "", "", "是"], ["甲市乙局", "部门", "甲市政府"]]))
    assert [a.level for a in ok.agencies] == ["市", "部门"] and ok.agencies[0].summary
    assert ok.children(ok.agencies[0]) == [ok.agencies[1]]  # 上级机关 matched as names are


def test_a_csv_roster_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("机关名称,层级,上级机关,汇总\n威海市人民政府,市,,是\n威海市教育局,部门,威海市人民政府,否\n".encode("gb18030"))
    roster = read_roster(path)
    assert [a.name for a in roster.agencies] == ["威海市人民政府", "威海市教育局"]
    assert roster.agencies[1].row == 3


def test_roster_template_has_the_drop_downs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "名单.xlsx"
    assert main(["roster", "template", "-o", str(target)]) == 0
    ws = openpyxl.load_workbook(target)["名单"]
    assert [c.value for c in ws[1]] == ["机关名称", "层级", "上级机关", "网站", "汇总", "其他名称"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists["B2:B2000"] == '"部门,乡镇,县,市,省,垂直"' and lists["E2:E2000"] == '"是,否"'
    assert main(["roster", "template", "-o", str(target)]) == 2  # the one output rule
    assert "已存在" in capsys.readouterr().err
    with pytest.raises(InputError, match="名单上没有机关"):
        read_roster(target)


def test_a_person_confirms_a_name_in_the_other_names_column(tmp_path: Path) -> None:
    head = ["机关名称", "层级", "上级机关", "网站", "汇总", "其他名称"]
    rows = [head, ["上海市科学技术委员会", "部门", "", "", "", "上海市科委、市科委"], ["威海市人民政府", "市"],
            ["威海市人力资源和社会保障局", "部门", "威海市人民政府"], ["荣成市人民政府", "县"],
            ["荣成市人力资源和社会保障局", "部门", "荣成市人民政府", "", "", "荣成人社局"]]
    roster = read_roster(_roster_book(tmp_path / "名单.xlsx", rows))
    assert roster.agencies[0].aliases == ["上海市科委", "市科委"]
    m = roster.match("上海市科委")
    assert m.sure and roster.agencies[m.entry].name == "上海市科学技术委员会"
    assert roster.agencies[roster.match("荣成人社局").entry].name == "荣成市人力资源和社会保障局"
    unsure = roster.match("人力资源和社会保障局")
    assert sorted(roster.agencies[i].name for i in unsure.candidates) == [
        "威海市人力资源和社会保障局", "荣成市人力资源和社会保障局"]
    found = roster_findings(roster, [Placed("x.xlsx", "人力资源和社会保障局", 2024, "", unsure)], 2024)
    r4 = next(f for _, f in found if f.rule == "R4")
    assert "写入该机关的“其他名称”列" in r4.message
