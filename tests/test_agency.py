"""One heuristic for an agency's level, shared by the importer and the deadline check."""

import pytest

from xladdin.agency import guess_level
from xladdin.audit.structure import infer_level


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
