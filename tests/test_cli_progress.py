"""Progress of long jobs: a bar with count, rate and time left on stderr when it is a terminal
(a real pty here), nothing when it is not or with --quiet; the core reports each finished item."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from rich.console import Console

from xladdin.audit.pool import map_files
from xladdin.audit.runner import audit_paths
from xladdin.cli.progress import progress
from xladdin.export import export_many
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / f"{EXAMPLE_XLSX.stem}-发布稿.txt"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(TERM="xterm-256color", COLUMNS="120")
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("three")
    out = []
    for i in range(3):
        path = folder / f"年报{i}.txt"
        shutil.copyfile(SEED, path)
        out.append(path)
    return out


def _run(argv: list[str], tty: bool) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) with stderr on a pseudo-terminal when `tty`."""
    cmd = [sys.executable, "-m", "xladdin", *argv]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, env=_env(), timeout=120)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    master, slave = pty.openpty()
    stdout = tempfile.TemporaryFile()  # not a pipe: a big output must not block while we read the pty
    p = subprocess.Popen(cmd, stdout=stdout, stderr=slave, env=_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = p.wait(timeout=120)
    stdout.seek(0)
    return code, stdout.read().decode(), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    "command", [["audit", "--jobs", "1"], ["rollup", "--json", "--jobs", "1"], ["import", "--json"]], ids=lambda c: c[0]
)
def test_bar_on_a_terminal_only(command: list[str], three: list[Path]) -> None:
    argv = [command[0], *map(str, three), *command[1:]]
    code, out, err = _run(argv, tty=True)
    assert code in (0, 1), err
    assert "3/3" in err and "份/秒" in err and "剩余" in err
    assert ("审核" if command[0] == "audit" else "读取") in err

    _, out_quiet, err_quiet = _run([*argv, "--quiet"], tty=True)
    assert "3/3" not in err_quiet and "份/秒" not in err_quiet
    assert out_quiet == out  # the result itself is the same

    _, out_pipe, err_pipe = _run(argv, tty=False)
    assert "3/3" not in err_pipe and "\x1b[" not in err_pipe
    assert out_pipe == out


def test_progress_helper() -> None:
    screen = io.StringIO()
    term = Console(file=screen, force_terminal=True, width=100)
    with progress(4, "审核", unit="份", console=term) as tick:
        for done in range(1, 5):
            tick(done)
    assert "4/4" in screen.getvalue() and "份/秒" in screen.getvalue()  # the average, at the end

    plain = io.StringIO()
    with progress(4, "审核", console=Console(file=plain, force_terminal=False)) as tick:
        tick(4)
    with progress(4, "审核", quiet=True, console=Console(file=plain, force_terminal=True)) as tick:
        tick(4)
    assert plain.getvalue() == ""


def test_first_rate_is_the_average_since_the_start_not_a_burst() -> None:
    """Four workers finishing together 70 µs apart showed 58979.7 份/秒: the rate is what was
    done over the time since the bar started, and nothing in the first half second."""
    from rich.progress import Progress

    from xladdin.cli.progress import RateColumn, RemainingColumn

    clock = [100.0]
    bar = Progress(get_time=lambda: clock[0])
    task_id = bar.add_task("审核", total=40)
    task = bar.tasks[0]
    rate, left = RateColumn("份"), RemainingColumn()
    clock[0] = 100.2
    bar.update(task_id, completed=4)
    assert rate.render(task).plain == ""  # too early to say
    clock[0] = 102.0  # 4 in 2 s, then 4 more in 70 µs
    bar.update(task_id, completed=4)
    clock[0] += 0.00007
    bar.update(task_id, completed=8)
    assert rate.render(task).plain == "4.0 份/秒"
    assert left.render(task).plain == "剩余 0:00:08"
    clock[0] = 100.1  # all 40 within a tenth of a second: at the end the average is shown
    bar.update(task_id, completed=40)
    assert rate.render(task).plain == "400.0 份/秒"


def _square(n: int) -> int:
    return n * n


@pytest.mark.parametrize("jobs", [1, 2])
def test_map_files_reports_each_result(jobs: int) -> None:
    seen: list[int] = []
    assert map_files(_square, [1, 2, 3, 4, 5], _square, jobs, on_progress=seen.append) == [1, 4, 9, 16, 25]
    assert seen == [1, 2, 3, 4, 5]


def test_audit_paths_reports_progress(three: list[Path]) -> None:
    seen: list[int] = []
    records = audit_paths(three, jobs=1, on_progress=seen.append)
    assert len(records) == 3 and seen == [1, 2, 3]


def test_batch_pdf_reports_each_document(example: Report, tmp_path: Path) -> None:
    seen: list[int] = []
    items = [(example, tmp_path / f"{i}.pdf") for i in range(3)]
    written = export_many(items, "pdf", on_progress=seen.append)
    assert len(written) == 3 and all(p.read_bytes().startswith(b"%PDF-") for p in written)
    assert seen and seen[-1] == 3 and seen == sorted(seen)


def test_import_many_files(three: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xladdin.cli import main
    from xladdin.load import load_report

    bad = tmp_path / "不是年报.txt"
    bad.write_text("没有标题也没有表格", encoding="utf-8")
    out = tmp_path / "工作簿"
    assert main(["import", *map(str, three), str(bad), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "不是年报.txt" in captured.err
    written = sorted(out.iterdir())
    assert [p.name for p in written] == ["年报0.xlsx", "年报1.xlsx", "年报2.xlsx"]
    assert load_report(written[0]).values == load_report(three[0]).values
    assert main(["import", *map(str, three), "--previous", str(three[0])]) == 2
    assert "只能用于一个文件" in capsys.readouterr().err
