"""Export building blocks: content order, value printing, dates, signature placement, settings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from xladdin.errors import InputError
from xladdin.export import FORMATS, export
from xladdin.export import content as C
from xladdin.export.settings import FONT_DIR_ENV, SETTINGS_ENV, load_settings
from xladdin.spec import SPEC


def test_block_order(example):
    blocks = C.build(example)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds[0] == "Title" and kinds[-1] == "Signature"
    headings = [b for b in blocks if isinstance(b, C.Heading) and b.level == 1]
    assert [h.section for h in headings] == [s.key for s in SPEC.sections]
    tables = [b.key for b in blocks if isinstance(b, C.TableBlock)]
    assert tables == ["t2", "t3", "t4"]
    # Each table sits in its own section, after that section's narrative.
    for table in tables:
        section = next(s for s in SPEC.sections if s.table == table)
        i = next(i for i, b in enumerate(blocks) if isinstance(b, C.TableBlock) and b.key == table)
        before = next(b for b in reversed(blocks[:i]) if isinstance(b, C.Heading) and b.level == 1)
        assert before.section == section.key


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (19, "19"), (Decimal("268.29"), "268.29"), (Decimal("1.50"), "1.50"), (Decimal("3"), "3"),
     (None, ""), ("/", "/"), ("无", "无")],
)
def test_cell_text(value, text):
    assert C.cell_text(value) == text


def test_dates_and_signature():
    assert C.chinese_date("2025-01-14") == "2025年1月14日"
    assert C.chinese_date("2025年1月") == "2025年1月"
    from xladdin.report import Meta, Report

    sig = C.signature(Report(meta=Meta(agency="威海市人力资源和社会保障局", published="2025-01-14")))
    assert sig.date_indent == 4.0  # 成文日期右空四字
    # The agency name centred over the date: the same overhang on both sides.
    wa, wd = C.text_width(sig.agency), C.text_width(sig.date)
    assert sig.agency_indent + wa / 2 == pytest.approx(sig.date_indent + wd / 2)
    short = C.signature(Report(meta=Meta(agency="某局", published="2025-01-14")))
    assert short.date_indent == 4.0 and short.agency_indent > 4.0  # a short name sits inside
    long = C.signature(Report(meta=Meta(agency="某某省某某市某某区人力资源和社会保障局办公室", published="2025-01-14")))
    assert long.agency_indent == 0.0  # never past the right margin
    undated = C.signature(Report(meta=Meta(agency="某局")))
    assert undated.date == "" and undated.agency_indent == 2.0


def test_second_level_headings():
    heading = C._paragraph("（一）主动公开", "s1.active")
    assert isinstance(heading, C.Heading) and heading.level == 2
    run_in = C._paragraph("（二）依申请公开。全年收到申请 10 件。", "s1.request")
    assert isinstance(run_in, C.Paragraph) and run_in.lead == "（二）依申请公开。"
    plain = C._paragraph("1.主动公开情况。按照《条例》", "s1.active")
    assert isinstance(plain, C.Paragraph) and plain.lead == ""


def test_title_lines(example):
    assert C.title_lines(example) == ("威海市人力资源和社会保障局", "2024年政府信息公开工作年度报告")
    assert "".join(C.title_lines(example)) == example.meta.title


def test_unknown_format(example, tmp_path):
    with pytest.raises(InputError, match="不支持的导出格式"):
        export(example, "rtf", tmp_path / "a.rtf")
    assert set(FORMATS) == {"docx", "html", "md", "pdf"}


def test_settings_file_and_font_folder(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    file = tmp_path / "export.json"
    file.write_text(json.dumps({"fonts": {"body": "仿宋"}, "font_dir": str(fonts), "timeout": 60}), encoding="utf-8")
    monkeypatch.setenv(SETTINGS_ENV, str(file))
    monkeypatch.delenv(FONT_DIR_ENV, raising=False)
    s = load_settings()
    assert s.font("body") == "仿宋" and s.font("title") == "方正小标宋简体"
    assert s.font_dir == fonts and s.timeout == 60
    file.write_text(json.dumps({"fonts": {"正文": "仿宋"}}), encoding="utf-8")
    with pytest.raises(InputError, match="字体角色无法识别"):
        load_settings()
    monkeypatch.delenv(SETTINGS_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "none"))
    with pytest.raises(InputError, match="字体文件夹不存在"):
        load_settings(font_dir=tmp_path / "missing")
