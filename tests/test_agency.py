"""One heuristic for an agency's level, shared by the importer and the deadline check."""

from pathlib import Path

import pytest

from xladdin.agency import LevelGuess, guess_level, level_of
from xladdin.audit.structure import check_deadline, infer_level
from xladdin.ingest import parse_text
from xladdin.report import Meta, Report


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("威海市人力资源和社会保障局", "部门"),
        ("沭阳县发展和改革局", "部门"),
        ("上海市科学技术委员会", "部门"),
        ("高作镇人民政府", "乡镇"),
        ("城关街道办事处", "乡镇"),
        ("淮安市洪泽区人民政府", "县"),
        ("沭阳县人民政府", "县"),
        ("威海市人民政府", "市"),
        ("威海市人民政府办公室", "市"),
        ("江苏省人民政府", "省"),
        ("江苏省人民政府办公厅", "省"),
        ("北京市人民政府", "省"),  # 直辖市 are province-level
        ("上海市人民政府办公厅", "省"),
        ("北京市朝阳区人民政府", "县"),
    ],
)
def test_guess_level(name, level):
    assert guess_level(name) == level
    assert infer_level(name) == level


def test_unknown_names():
    assert guess_level("某某") == ""
    assert infer_level("某某") == "部门"  # the deadline check assumes the earliest deadline
    assert infer_level("  ") == ""


# --------------------------------------------------------------------------- not a 部门


@pytest.mark.parametrize(
    "name",
    ["平潭综合实验区管委会", "中国（福建）自由贸易试验区平潭片区管理局", "威海经济技术开发区管理委员会", "雄安新区管理委员会"],
)
def test_zone_bodies_are_not_departments(name):
    assert guess_level(name) == ""  # the importer leaves the level open
    own, whole = level_of(name), level_of(name, "2024年，全区共收到政府信息公开申请 12 件")
    assert (own.level, own.sure, own.others) == ("部门", False, ("县",))
    assert (whole.level, whole.sure, whole.others) == ("县", False, ("市",))
    assert "不是政府部门" in own.basis and "全区共" in whole.basis


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("平潭综合实验区经济发展局", "部门"),  # a department of the 综合实验区's 管委会: 1月31日
        ("平潭综合实验区公安局", "部门"),
        ("上海市城市管理委员会", "部门"),  # 城管委: a department, no zone in the name
        ("上海市浦东新区人民政府", "县"),  # a 新区 with a 人民政府 is a 区
        ("城关街道办事处", "乡镇"),
        ("城关街道", "乡镇"),
        ("高作镇", "乡镇"),
    ],
)
def test_levels_the_name_settles(name, level):
    assert level_of(name) == LevelGuess(level)


def _zone_report(published: str, text: str = "") -> Report:
    report = Report(meta=Meta(agency="威海经济技术开发区管理委员会", year=2024, published=published))
    report.sections["s1.request"] = text
    return report


def test_s4_states_the_assumed_level_of_a_zone_body():
    [f] = check_deadline(_zone_report("2025-02-10"))
    assert f.ref == "S4:late" and f.imbalance == 10 and f.expected == "2025-01-31"
    assert "此层级是推定的" in f.message and "不是政府部门" in f.message
    assert "若按“县”的时限 2025-02-20，则未逾期" in f.message
    # the same date is on time for a report that summarises the whole area (县 deadline)
    assert check_deadline(_zone_report("2025-02-10", "2024年，全区共收到政府信息公开申请 12 件。")) == []
    [f] = check_deadline(_zone_report("2025-03-01", "2024年，全区共收到政府信息公开申请 12 件。"))
    assert f.expected == "2025-02-20" and "若按“市”的时限 2025-03-10，则未逾期" in f.message
    # a level the report states is used as stated, without assumptions
    report = _zone_report("2025-02-10")
    report.meta.level = "县"
    assert check_deadline(report) == []


def test_importer_leaves_a_zone_body_level_open():
    text = (Path(__file__).parent / "data" / "seeds" / "000_0f8514aaa6f27642.txt").read_text("utf-8")
    report = parse_text(text.replace("威海市人力资源和社会保障局", "威海经济技术开发区管理委员会"), "zone")
    assert report.meta.agency == "威海经济技术开发区管理委员会" and report.meta.level == ""
    assert [f.ref for f in check_deadline(report)] == []  # 2025-01-14: on time whatever the level
