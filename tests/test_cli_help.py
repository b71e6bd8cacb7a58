"""The command line's small things: a closed pipe, help in Chinese wrapped by display width,
export's default format, the --previous warnings and the wording of a fill conflict."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xladdin.cli import build_parser, main
from xladdin.cli.helpformat import NO_BREAK_AFTER, NO_BREAK_BEFORE, display_width, wrap
from xladdin.fill import fill
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("argv", [["dump", str(EXAMPLE_XLSX), "--json"], ["dump", str(EXAMPLE_XLSX)]])
def test_closed_pipe_is_quiet(argv: list[str]) -> None:
    """`xladdin dump … | head`: the reader goes away before we write; no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "xladdin", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `head` exiting at once
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code == 141


def test_import_into_closed_pipe(tmp_path: Path) -> None:
    text = ROOT / "examples" / f"{EXAMPLE_XLSX.stem}-发布稿.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "xladdin", "import", str(text), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err, err


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    """The root parser and every (sub)command's, by name."""
    root = build_parser()
    out = [("xladdin", root)]
    todo = [("", root)]
    while todo:
        prefix, parser = todo.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    full = f"{prefix} {name}".strip()  # "review import" is not "import"
                    out.append((full, sub))
                    todo.append((full, sub))
    return out


def test_every_help_is_chinese() -> None:
    for name, parser in _parsers():
        text = parser.format_help()
        assert text.startswith("用法："), name
        assert not re.search(r"(?m)^\s*\S+:$", text), f"{name}: a heading with a half-width colon\n{text}"
        assert "show " not in text and "usage" not in text, name
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and not action.help.isascii(), f"{name} {action.option_strings}: help"
            takes_value = action.nargs != 0 and not isinstance(action, (argparse._HelpAction, argparse._VersionAction))
            if takes_value:
                assert action.metavar and not str(action.metavar).isascii(), f"{name} {action.dest}: metavar"
    assert "显示版本号并退出" in build_parser().format_help()


@pytest.mark.parametrize("columns", [50, 72, 100])
def test_help_wraps_by_display_width(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    for name, parser in _parsers():
        text = parser.format_help()
        words = {w for a in parser._actions for w in a.option_strings}
        usage, _, rest = text.partition("\n\n")
        for line in usage.splitlines():  # usage: wrapped between its [groups], by display width
            assert display_width(line) <= columns or len(line.split()) <= 2, (name, line)
        for line in rest.splitlines():
            body = line.strip()
            if display_width(line) > columns:
                assert " " not in body and not re.search(r"[\u4e00-\u9fff]", body), (name, line)  # one unit
            # (a Latin word may start with "." as in ".xlsx": only the Chinese marks count here)
            assert not (body[:1] in NO_BREAK_BEFORE and not body[:1].isascii()), (name, line)
            assert not (line[-1:] in NO_BREAK_AFTER and not line[-1:].isascii()), (name, line)
        flat = re.sub(r"\s+", "", text)
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                assert re.sub(r"\s+", "", action.help % {"prog": parser.prog}) in flat, (name, action.help)
        for word in words:
            assert word in text, (name, word)  # never split inside an option


def test_wrap_rules() -> None:
    text = "汇总年报的机关名称（默认“汇总”），并行进程数（默认为 CPU 核数，最多 8；1 表示不并行），见 --include-errors。"
    for width in range(8, 40):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert display_width(line) <= width or " " not in line
            assert line[0] not in NO_BREAK_BEFORE and line[-1] not in NO_BREAK_AFTER
        assert any("--include-errors" in line for line in lines)


def test_export_defaults_to_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "导出"
    out.mkdir()
    assert main(["export", str(EXAMPLE_XLSX), "-o", str(out)]) == 0
    assert [p.suffix for p in out.iterdir()] == [".docx"]
    assert main(["export", str(EXAMPLE_XLSX), "-o", str(tmp_path / "年报.txt")]) == 2
    assert "-f" in capsys.readouterr().err


def test_demo_and_import_help_say_what_they_do_and_read() -> None:
    helps = {n: p.format_help() for n, p in _parsers()}
    demo = re.sub(r"\s+", "", helps["demo"])
    for word in ("威海市人力资源和社会保障局2024年度报告", "读取示例工作簿", "审核结果.xlsx", "审核摘要.md", "发布稿", "不读取也不改动你的文件"):
        assert word in demo
    imp = re.sub(r"\s+", "", helps["import"])
    for word in (".docx", ".pdf", "六个部分", "200个数据格", "默认在终端列出", "-o另写成年报工作簿", "--json输出JSON"):
        assert word in imp


def _last_year(example: Report, tmp_path: Path, agency: str) -> Path:
    last = Report.from_json(example.to_json())
    last.meta.year = example.meta.year - 1  # type: ignore[operator]
    last.meta.agency = agency
    path = tmp_path / f"{agency}-上年.json"
    path.write_text(last.to_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["check", "audit"])
def test_previous_of_another_agency_warns(
    command: str, example: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    this = tmp_path / "本年.json"
    this.write_text(example.to_json(), encoding="utf-8")
    other = _last_year(example, tmp_path, "某某市交通运输局")
    main([command, str(this), "--previous", str(other)])
    err = capsys.readouterr().err
    assert "“某某市交通运输局”" in err and "不是同一机关" in err
    same = _last_year(example, tmp_path, example.meta.agency)
    main([command, str(this), "--previous", str(same)])
    assert "不是同一机关" not in capsys.readouterr().err


def test_fill_conflict_reads_plainly(example: Report) -> None:
    example.values["t3.new.total"] = 99
    result = fill(example)
    message = next(f.message for f in result.conflicts if "t3.new.total" in [c.key for c in f.cells])
    assert "本年新收·总计 99，应等于" in message
    assert "99 合计 99" not in message
