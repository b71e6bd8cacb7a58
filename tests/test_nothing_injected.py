"""Nothing injected into what users open or see (shared/repro 20, 21, 30), on the example:

- report text adds no structure to the Markdown export: line ends of every spelling (CR, CRLF,
  U+2028…), fences, headings, lists and tables stay text; a hypothesis property renders random
  Markdown-significant text with a CommonMark reader and gets the text back;
- no control character from a report, a file name or a message reaches the terminal raw, in
  any command, rich tables included: ESC, CR, C1 and bidi controls are shown as `\\u001b`; a
  property prints random control characters through every way out;
- rich markup in report text is text.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from xladdin.cli import main
from xladdin.cli.terminal import VisibleStream, console
from xladdin.export.markdown import render_markdown
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.report import Report
from xladdin.textsafety import UNPRINTABLE, visible

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
EXAMPLE_TEXT = EXAMPLE_XLSX.with_name(f"{EXAMPLE_XLSX.stem}-发布稿.txt")
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _example() -> Report:
    return Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))


def _structure(md: str) -> dict[str, int]:
    """Block structure a CommonMark reader sees: headings, tables, code, lists, quotes."""
    tokens = MD.parse(md)
    kinds = ("heading_open", "table_open", "fence", "code_block", "bullet_list_open", "ordered_list_open",
             "blockquote_open", "hr", "html_block")
    return {k: sum(1 for t in tokens if t.type == k) for k in kinds}


BASE = _structure(render_markdown(_example()))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("sections.s1.intro", "说明\r# 伪造的标题\r\r| 项目 | 数量 |\r|---|---|\r| 本年新收 | 999 |\r\r- 伪造的列表\r\r"),
        ("sections.s1.intro", "~~~\n"),
        ("sections.s1.intro", "```python\n"),
        ("sections.s5", "甲\u2028# 标题\u2029> 引用\x0b    缩进代码\x85* 列表\r\n1. 列表"),
        ("sections.preface", "<div>\n<script>x</script>\n</div>"),
        ("meta.agency", "某局\r## 伪造的标题\r"),
        ("meta.agency", "某局 #"),
        ("values.t3.new.natural", "10\r| 伪造 | 行 |"),
        ("values.t3.new.natural", "10\n---"),
    ],
)
def test_report_text_adds_no_structure_to_the_markdown_export(field: str, text: str) -> None:
    report = _example()
    head, _, rest = field.partition(".")
    if head == "meta":
        setattr(report.meta, rest, text + report.meta.agency)
    elif head == "values":
        report.values[rest] = text
    else:
        report.sections[rest] = text + report.sections.get(rest, "")
    md = render_markdown(report)
    assert "\r" not in md and "\u2028" not in md and "\x85" not in md
    assert not re.search(r"^ {0,3}(~~~|```)", md, re.M)
    assert _structure(md) == BASE


PIECES = list("#>-+*_=`~[]()<>|!&;\\.:1 \t\r\n\u2028\u2029\x0b\x0c\x85") + ["&amp;", "&#35;", "甲", "1.", "1)", "```", "~~~", "    "]
SIGNIFICANT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map("".join)
BLOCKS = ("heading_open", "fence", "code_block", "table_open", "bullet_list_open", "ordered_list_open",
          "blockquote_open", "html_block", "hr")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=SIGNIFICANT)
def test_markdown_significant_text_round_trips_as_text(text: str) -> None:
    """Any narrative text comes back from a CommonMark reader as the same text, in the same
    place: one paragraph per line of it (every spelling of a line end), nothing turned into a
    heading, list, quote, table, code block, rule or HTML."""
    from xladdin.export.content import paragraphs

    report = Report()
    report.sections["s5"] = text
    tokens = MD.parse(render_markdown(report))
    heads = [t for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    five, six = heads[4].map[0], heads[5].map[0]  # the lines of section 五
    inside = [i for i, t in enumerate(tokens) if t.level == 0 and t.map and five < t.map[0] < six]
    assert not [tokens[i].type for i in inside if tokens[i].type in BLOCKS]
    got = ["".join(" " if c.type in ("softbreak", "hardbreak") else c.content for c in tokens[i + 1].children)
           for i in inside if tokens[i].type == "paragraph_open"]
    assert got == [p.strip(" \t") for p in paragraphs(text)]


# --------------------------------------------------------------------------- the terminal

SEQ = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b[6n\x1b]0;PWNED\x1b\\"


def _raw(out: str) -> list[str]:
    """Characters that must not reach a terminal, found in `out`."""
    return [f"U+{ord(c):04X}" for c in UNPRINTABLE.findall(out)]


def _esc_json(tmp_path: Path) -> Path:
    d = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    d["meta"]["agency"] = SEQ + d["meta"]["agency"] + "\r\u202e"
    d["values"]["t3.new.natural"] = "10\x1b[6n\x9b31m"
    path = tmp_path / "esc.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path


def _esc_xlsx(tmp_path: Path) -> Path:
    from xladdin.excel.filebook import FileBook

    path = tmp_path / "esc.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    book = FileBook(path)
    book.write_key("t3.new.natural", "10\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\x1b[6n")
    book.save()
    return path


def _esc_txt(tmp_path: Path) -> Path:
    text = EXAMPLE_TEXT.read_text(encoding="utf-8").replace("威海市人力资源和社会保障局", "威海市人力资源和社会保障局\x1b[6n", 1)
    path = tmp_path / "esc.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [["check", "{json}"], ["audit", "{json}"], ["check", "{xlsx}"], ["audit", "{xlsx}"], ["import", "{txt}"],
     ["audit", "{txt}"], ["dump", "{json}"], ["check", "{json}", "--json"], ["fill", "{json}", "-o", "{out}"],
     ["export", "{json}", "-f", "md", "--force", "-o", "{md}"], ["audit", "{dir}"]],
)
def test_no_control_character_from_a_report_reaches_the_terminal(argv, tmp_path: Path, capsys) -> None:
    paths = {"json": _esc_json(tmp_path), "xlsx": _esc_xlsx(tmp_path), "txt": _esc_txt(tmp_path),
             "out": tmp_path / "o.xlsx", "md": tmp_path / "o.md", "dir": tmp_path}
    code = main([a.format(**{k: str(v) for k, v in paths.items()}) for a in argv])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    assert not _raw(out) and not _raw(err), (_raw(out), _raw(err))
    if argv[0] in ("check", "dump") and argv[1] == "{json}":
        assert "\\u001b[6n" in out or "\\u001b[6n" in err  # shown, escaped, not dropped


def test_json_output_keeps_its_values(tmp_path: Path, capsys) -> None:
    """The visible escape is a JSON escape: `dump --json` still parses to the same report."""
    path = _esc_json(tmp_path)
    assert main(["dump", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert not _raw(out)
    data = json.loads(out)
    assert data["meta"]["agency"].startswith(SEQ) and data["invalid"]["t3.new.natural"] == "10\x1b[6n\x9b31m"


def test_a_control_character_in_a_file_name_is_shown_escaped(tmp_path: Path, capsys) -> None:
    """shared/repro 30: a vertical tab (Word's manual line break) in a report's file name."""
    d = tmp_path / "d"
    d.mkdir()
    vt = d / "甲局\x0b2024.json"
    esc = d / "乙局\x1b2024.json"
    shutil.copy(EXAMPLE_JSON, vt)
    shutil.copy(EXAMPLE_JSON, esc)
    assert main(["check", str(vt), "--xlsx", str(tmp_path / "chk.xlsx")]) == 0
    assert main(["audit", str(d), "--xlsx", str(tmp_path / "aud.xlsx"), "-q"]) == 0
    out, err = capsys.readouterr()
    assert not _raw(out + err) and "甲局\\u000b2024.json" in out + err
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "aud.xlsx")
    comments = [c.comment.text for ws in wb for row in ws.iter_rows() for c in row if c.comment]
    assert any("甲局_x000B_2024.json" in t for t in comments)  # the workbook's own escape
    from python_calamine import CalamineWorkbook

    shown = CalamineWorkbook.from_path(str(tmp_path / "aud.xlsx")).get_sheet_by_name("汇总").to_python()
    assert any("甲局\x0b2024.json" in str(v) for row in shown for v in row)  # read back as it is


def test_rich_markup_in_report_text_is_text(tmp_path: Path, capsys) -> None:
    d = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    d["meta"]["agency"] = "[/][bold red]某局[link=https://example.invalid]点此[/link]"
    d["values"]["t3.new.natural"] = "[/]"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[/][bold red]某局[link=https://example.invalid]点此[/link]" in out and "\x1b]8;" not in out


CONTROLS = st.lists(st.characters(min_codepoint=0, max_codepoint=0x9F) | st.sampled_from(
    ["\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\ud800", "中", "[/]", "\\"]), max_size=20).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=CONTROLS)
def test_random_control_characters_never_reach_stdout_raw(text: str, capsys) -> None:
    """Through print(), rich text, rich tables and the stream's own write: always visible."""
    from rich.table import Table

    from xladdin.cli.terminal import Text, visible_output

    capsys.readouterr()
    with visible_output():
        print(text)
        print(text, file=sys.stderr)
        out = console()
        out.print(text)
        out.print(Text(text, style="bold"))
        table = Table()
        table.add_column(text)
        table.add_row(text)
        table.add_row(Text(text))
        out.print(table)
        sys.stdout.write(text)
    got, err = capsys.readouterr()
    assert not _raw(got) and not _raw(err)
    if "\x1b" in text:
        assert "\\u001b" in got


def test_visible_is_one_escape_for_every_unprintable_character() -> None:
    assert visible("a\x1b[6n\r\x9b\u202e\ud800b\tc\n") == "a\\u001b[6n\\u000d\\u009b\\u202e\\ud800b\tc\n"
    assert visible("中文（一）１０") == "中文（一）１０"
    assert isinstance(sys.stdout, VisibleStream) is False  # only while a command runs
