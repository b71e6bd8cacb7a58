"""Bounded whatever the wrapping, no traceback whatever the number or the moment
(shared/repro 27, 28, 29, 24, and Ctrl-C at start-up), built from the example:

- a PDF stream that inflates far beyond the limit is refused while it is decoded, however it
  is filtered ([/ASCII85Decode /FlateDecode], ASCIIHex, RunLength, Flate twice) or spaced
  ("stream" + CR, "stream" + space), within bounded memory;
- an HTML page's tables share one work budget;
- counts of hundreds or thousands of digits are reported, never an OverflowError or the
  int-to-text ValueError;
- last year is the same agency's last year: exact name, the year before, one reading;
- Ctrl-C before a command has begun ends with "已中断。" and no traceback.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from pdf_maker import one_page_pdf

from xladdin.audit.crossyear import find_previous, previous_in, previous_misfit, same_agency
from xladdin.cli import main
from xladdin.ingest.pdfstreams import MAX_STREAM, PdfTooLarge, file_budget, inflate, lzw, runlength
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
EXAMPLE_TEXT = EXAMPLE_XLSX.with_name(f"{EXAMPLE_XLSX.stem}-发布稿.txt")
BOMB_MB = 120  # over MAX_STREAM (50 MB), small enough to build in a second


# The command in a child that reports its own peak memory (RSS) on its last stderr line.
MEASURED = (
    "import resource, sys\n"
    "from xladdin.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write(f'PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10}\\n')\n"
    "sys.exit(code)\n"
)


def cli(*args: str, limit_mb: int = 2048, timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    """Run xladdin in a child under an address-space cap; (result, its peak RSS in MB)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    done = subprocess.run([sys.executable, "-c", MEASURED, *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    err, _, peak = done.stderr.rpartition("PEAK ")
    done.stderr = err
    return done, int(peak) if peak.strip().isdigit() else -1


# --------------------------------------------------------------------------- PDF

def _bomb_stream(mb: int = BOMB_MB) -> bytes:
    comp = zlib.compressobj(9)
    raw = bytearray(comp.compress(b"BT /F1 10 Tf 50 800 Td (x) Tj ET\n"))
    block = b" " * (1 << 20)
    for _ in range(mb):
        raw += comp.compress(block)
    return bytes(raw + comp.flush())


def _runlength_bomb(mb: int) -> bytes:
    return bytes([129, 32]) * ((mb << 20) // 128) + b"\x80"  # 128 spaces per 2 bytes


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("bombs")
    raw = _bomb_stream()
    cases = {
        "a85": one_page_pdf(b"<< /Length %d /Filter [/ASCII85Decode /FlateDecode] >>", base64.a85encode(raw) + b"~>"),
        "hex": one_page_pdf(b"<< /Length %d /Filter [/ASCIIHexDecode /FlateDecode] >>", raw.hex().encode() + b">"),
        "cr": one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>", raw, keyword=b"stream\r"),
        "sp": one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>", raw, keyword=b"stream \n"),
        "twice": one_page_pdf(b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>", zlib.compress(raw, 9)),
        "rl": one_page_pdf(b"<< /Length %d /Filter [/FlateDecode /RunLengthDecode] >>", zlib.compress(_runlength_bomb(60), 9)),
    }
    out = {}
    for name, data in cases.items():
        out[name] = d / f"bomb-{name}.pdf"
        out[name].write_bytes(data)
    return out


@pytest.mark.parametrize("name", ["a85", "hex", "cr", "sp", "twice", "rl"])
def test_a_pdf_stream_bomb_is_refused_however_it_is_wrapped(name: str, bombs: dict[str, Path]) -> None:
    done, peak = cli("import", str(bombs[name]), "--json", limit_mb=1500)
    assert done.returncode == 2 and done.stderr.startswith("错误："), done.stderr
    assert "解压后过大" in done.stderr and "Traceback" not in done.stderr
    assert peak < 400, f"{name}: {peak} MB"


def test_decoding_is_bounded_step_by_step() -> None:
    text = b"BT (x) Tj ET\n" * 1000
    assert inflate(zlib.compress(text)) == text
    assert inflate(zlib.compress(text)[:-2]) == text  # a checksum cut short: kept, as pdfminer does
    broken = bytearray(zlib.compress(text * 50))
    broken[40:60] = b"\xff" * 20
    assert inflate(bytes(broken)) == b""  # corrupt inside: nothing, as pdfminer does
    with pytest.raises(PdfTooLarge):
        inflate(zlib.compress(b" " * (MAX_STREAM + 10)))
    with pytest.raises(PdfTooLarge):
        inflate(zlib.compress(b" " * 2000), limit=1000)
    with pytest.raises(PdfTooLarge):
        runlength(bytes([129, 32]) * 100, limit=1000)
    assert runlength(bytes([2]) + b"abc" + bytes([254, 120]) + b"\x80") == b"abcxxx"
    from pdfminer.lzw import LZWDecoder  # noqa: F401 - the decoder lzw() drives

    with pytest.raises(PdfTooLarge):
        lzw(_lzw_spaces(5000), limit=1000)


def _lzw_spaces(n: int) -> bytes:
    """LZW (PDF: 9-bit codes to start, early change) of n spaces, codes written naively."""
    codes, table, cur, out = [256], {bytes([i]): i for i in range(256)}, b"", []
    data = b" " * n
    next_code = 258
    for ch in data:
        nxt = cur + bytes([ch])
        if nxt in table:
            cur = nxt
            continue
        out.append(table[cur])
        if next_code < 4095:
            table[nxt] = next_code
            next_code += 1
        cur = bytes([ch])
    out.append(table[cur])
    codes += out + [257]
    bits, width, count = "", 9, 258
    for i, c in enumerate(codes):
        bits += format(c, f"0{width}b")
        if i > 0 and c != 257:
            count += 1
            if count + 1 >= (1 << width) and width < 12:
                width += 1
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def test_one_files_streams_share_one_budget() -> None:
    from xladdin.ingest import pdfstreams

    with file_budget(3000):
        pdfstreams._spend(2000)
        with pytest.raises(PdfTooLarge):
            pdfstreams._spend(2000)
    pdfstreams._spend(10**12)  # outside a file: only the per-stream bound applies


def test_pdfminer_decodes_through_the_bounded_decoder() -> None:
    from pdfminer.pdftypes import PDFStream

    import xladdin.ingest.pdf  # noqa: F401 - installs the decoder
    from xladdin.ingest.pdfstreams import bounded_decode

    assert PDFStream.decode is bounded_decode
    stream = PDFStream({"Filter": [], "Length": 3}, b"abc")
    assert stream.get_data() == b"abc"


# --------------------------------------------------------------------------- HTML

def test_an_html_pages_tables_share_one_budget(tmp_path: Path) -> None:
    """shared/repro 28: 8,000 tables each just under the per-table limit took ~35-55 s."""
    table = b'<table><tr><td rowspan="100" colspan="100">1</td><td rowspan="100" colspan="99">2</td></tr></table>'
    page = tmp_path / "tables.html"
    page.write_bytes(b"<html><body>" + table * 8000 + b"</body></html>")
    start = time.perf_counter()
    done, _ = cli("import", str(page), "--json")
    assert time.perf_counter() - start < 30
    assert done.returncode == 2 and "表格过多或过大" in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- huge numbers

def _text_with(count: str, tmp_path: Path, name: str) -> Path:
    text = EXAMPLE_TEXT.read_text(encoding="utf-8").replace(
        "一、本年新收政府信息公开申请数量\t10\t", f"一、本年新收政府信息公开申请数量\t{count}\t", 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _json_with(raw: str, tmp_path: Path, name: str) -> Path:
    text = EXAMPLE_JSON.read_text(encoding="utf-8")
    data = json.loads(text)
    old = json.dumps(data["values"]["t3.new.natural"])
    path = tmp_path / name
    path.write_text(text.replace(f'"t3.new.natural": {old}', f'"t3.new.natural": {raw}', 1), encoding="utf-8")
    return path


def test_counts_of_hundreds_or_thousands_of_digits_are_reported(tmp_path: Path, capsys) -> None:
    d400, d5000 = _text_with("9" * 400, tmp_path, "d400.txt"), _text_with("9" * 5000, tmp_path, "d5000.txt")
    i309 = _json_with(str(10**309), tmp_path, "i309.json")
    raw5000 = _json_with("9" * 5000, tmp_path, "raw5000.json")  # a JSON number literal of 5,000 digits
    s5000 = _json_with(json.dumps("9" * 5000), tmp_path, "s5000.json")
    runs = [
        ["import", str(d400), "-o", str(tmp_path / "d400.xlsx")], ["fill", str(d400), "-o", str(tmp_path / "f.xlsx")],
        ["check", str(d5000)], ["dump", str(d5000), "--json"],
        ["export", str(d5000), "-f", "html", "--force", "-o", str(tmp_path / "d.html")],
        ["fill", str(i309), "-o", str(tmp_path / "i.xlsx")], ["check", str(s5000)], ["dump", str(s5000), "--json"],
        ["check", str(raw5000)], ["audit", str(i309), "--xlsx", str(tmp_path / "a.xlsx")],
    ]
    for argv in runs:
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 1), (argv, err)
        if argv[0] == "check":
            assert "位数过多的数字" in out and "不是合理的数值" in out
    for path in (d5000, i309, s5000, raw5000):
        main(["dump", str(path), "--json"])
        data = json.loads(capsys.readouterr().out)
        assert data["values"]["t3.new.natural"] is None and data["invalid"]["t3.new.natural"].startswith("999" if path != i309 else "1000")


def test_a_workbook_number_no_workbook_can_hold_is_named(tmp_path: Path, capsys) -> None:
    import re

    from wbtools import rewrite, sheet_part

    part = sheet_part(EXAMPLE_XLSX, "表三")
    cell = f'<c r="D5"><v>{"9" * 400}</v></c>'.encode()
    big = rewrite(EXAMPLE_XLSX, tmp_path / "big.xlsx", lambda name, data: re.sub(
        rb'<c r="D5"[^>]*?(/>|>.*?</c>)', cell, data, count=1, flags=re.S) if name == part else data)
    for argv in (["fill", str(big), "-o", str(tmp_path / "o.xlsx")], ["addin", "run", "xladdin_check", str(big)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "工作表“表三”单元格" in err and "数字有 400 位" in err, err


# --------------------------------------------------------------------------- last year

def _last(example: Report, agency: str | None = None, year: int = 2023, carry: int = 0) -> Report:
    r = copy.deepcopy(example)
    r.meta.year = year
    if agency:
        r.meta.agency = agency
    r.values["t3.carry_out.natural"] = carry
    return r


@pytest.fixture
def shanghai(example: Report) -> Report:
    r = copy.deepcopy(example)
    r.meta.agency = "上海市人民政府"
    return r


def test_same_agency_is_an_exact_normalised_name() -> None:
    assert same_agency("上海市人民政府", " 上海市 人民政府 ")
    assert same_agency("某某县（区）人民政府", "某某县(区)人民政府")
    assert not same_agency("上海市人民政府", "上海市人民政府办公厅")
    assert not same_agency("上海市人民政府办公厅", "上海市人民政府")
    assert not same_agency("", "")


def test_another_agency_in_the_folder_is_never_last_year(tmp_path: Path, shanghai: Report) -> None:
    (tmp_path / "办公厅-2023.json").write_text(_last(shanghai, "上海市人民政府办公厅", carry=5).to_json(), encoding="utf-8")
    assert find_previous(tmp_path, shanghai) is None
    office = copy.deepcopy(shanghai)
    office.meta.agency = "上海市人民政府办公厅"
    (tmp_path / "办公厅-2023.json").unlink()
    (tmp_path / "政府-2023.json").write_text(_last(shanghai).to_json(), encoding="utf-8")
    assert find_previous(tmp_path, office) is None
    assert find_previous(tmp_path, shanghai) is not None


def test_several_candidates_or_another_year_are_said_not_used(tmp_path: Path, shanghai: Report) -> None:
    (tmp_path / "a.json").write_text(_last(shanghai, carry=1).to_json(), encoding="utf-8")
    (tmp_path / "b.json").write_text(_last(shanghai, carry=2).to_json(), encoding="utf-8")
    found, notes = previous_in(tmp_path, shanghai)
    assert found is None and "2 份" in notes[0] and "数字不同" in notes[0]
    (tmp_path / "b.json").write_text(_last(shanghai, carry=1).to_json(), encoding="utf-8")  # the same report twice
    found, notes = previous_in(tmp_path, shanghai)
    assert found is not None and notes == []
    older = tmp_path / "older"
    older.mkdir()
    (older / "c.json").write_text(_last(shanghai, year=2022).to_json(), encoding="utf-8")
    found, notes = previous_in(older, shanghai)
    assert found is None and "只有 2022 年度" in notes[0]


def test_audit_and_check_say_why_last_years_report_was_not_used(tmp_path: Path, shanghai: Report, capsys) -> None:
    this = tmp_path / "上海市人民政府-2024.json"
    this.write_text(shanghai.to_json(), encoding="utf-8")
    prev = tmp_path / "prev"
    prev.mkdir()
    (prev / "办公厅-2023.json").write_text(_last(shanghai, "上海市人民政府办公厅", carry=5).to_json(), encoding="utf-8")
    assert main(["audit", str(this), "--previous", str(prev), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"previous"' not in out and '"Y1"' not in out
    other = prev / "办公厅-2023.json"
    for argv in (["audit", str(this), "--previous", str(other)], ["check", str(this), "--previous", str(other)]):
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert "不是同一机关" in err and "未用于跨期核对" in err
    wrong_year = tmp_path / "2025.json"
    wrong_year.write_text(_last(shanghai, year=2025, carry=5).to_json(), encoding="utf-8")
    assert main(["check", str(this), "--previous", str(wrong_year)]) == 0
    assert "上年应为 2023" in capsys.readouterr().err
    assert previous_misfit(shanghai, _last(shanghai)) == []


# --------------------------------------------------------------------------- Ctrl-C

def test_ctrl_c_while_the_command_loads_ends_in_one_chinese_line(monkeypatch, capsys) -> None:
    import xladdin.cli as cli_module

    def interrupted(name: str):  # noqa: ANN202 - importing a command's module is interrupted
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module.importlib, "import_module", interrupted)
    assert main(["check", str(EXAMPLE_JSON)]) == 130
    assert capsys.readouterr().err == "已中断。\n"


def test_ctrl_c_while_python_imports_the_package_has_no_traceback() -> None:
    done = subprocess.run([sys.executable, "-c", "import xladdin.cli\nraise KeyboardInterrupt"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.stderr == "已中断。\n" and done.returncode in (130, -signal.SIGINT)


def test_ctrl_c_at_any_moment_of_start_up_has_no_traceback(tmp_path: Path) -> None:
    """SIGINT at increasing delays after the start: whatever the process was doing (loading
    modules, parsing, reading), it ends without a traceback, with "已中断。" once our code
    runs. Before that (the interpreter starting: its signal handler not yet set, or `site`
    being imported) and after it (the interpreter shutting down, the command's output
    complete) the interpreter itself decides: killed by the signal, or its own "Fatal Python
    error: init_import_site" — no program's code runs there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen = 0
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8):
        proc = subprocess.Popen([sys.executable, "-m", "xladdin", "check", str(EXAMPLE_JSON)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        if "init_import_site" in err:
            continue
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        if proc.returncode == -signal.SIGINT and not err:
            assert out == "" or "结论" in out, (delay, out)  # not begun, or already done
        elif proc.returncode in (130, -signal.SIGINT):
            assert err.endswith("已中断。\n"), (delay, err)
            seen += 1
    assert seen  # at least one signal arrived before the command had finished
