"""The config file xlwings' VBA reads (%USERPROFILE%\\.xladdin\\xladdin.conf): written in the
Windows ANSI code page with CRLF, as `xlwings config create` does, and read back the way VBA's
`Open … For Input` / `Input #` reads it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xladdin.errors import OutputError
from xladdin.excel import install


def vba_input(raw: bytes, codepage: str) -> dict[str, str]:
    """VBA's `Input #f, name, value` over a file: bytes decoded in the system code page, records
    ended by CR LF, each field a quoted string separated by a comma (GetConfigFromFile)."""
    text = raw.decode(codepage)  # VBA converts ANSI text to its Unicode strings
    out = {}
    for record in text.split("\r\n"):
        if not record:
            continue
        assert "\n" not in record and "\r" not in record  # LF alone would not end a record
        assert record.startswith('"') and record.endswith('"') and '","' in record
        name, value = record[1:-1].split('","', 1)
        out[name] = value
    return out


@pytest.fixture
def windows_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file as `install` writes it on Chinese Windows (code page 936)."""
    monkeypatch.setattr(install, "config_format", lambda: ("cp936", "\r\n"))


def test_non_ascii_interpreter_path_round_trips_as_vba_reads_it(tmp_path: Path, windows_format: None) -> None:
    conf = tmp_path / "用户" / ".xladdin" / "xladdin.conf"
    python = r"C:\Users\张三\AppData\Local\Programs\Python\Python311\python.exe"
    install.write_config(conf, {"INTERPRETER_WIN": python, "UDF MODULES": "xladdin.excel.udfs"})
    raw = conf.read_bytes()
    assert raw.endswith(b"\r\n") and b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n") == 2
    assert "张三".encode("cp936") in raw and "张三".encode() not in raw
    assert vba_input(raw, "cp936") == {"INTERPRETER_WIN": python, "UDF MODULES": "xladdin.excel.udfs"}
    # what went wrong before: UTF-8 bytes read in code page 936 are not the path
    assert vba_input(raw.decode("cp936").encode("utf-8"), "cp936")["INTERPRETER_WIN"] != python


def test_other_keys_are_kept_and_an_old_utf8_file_is_understood(tmp_path: Path, windows_format: None) -> None:
    conf = tmp_path / "xladdin.conf"
    conf.write_bytes('"PYTHONPATH","D:\\报表\\lib"\n"INTERPRETER_WIN","old"\n'.encode())  # older xladdin
    install.write_config(conf, {"INTERPRETER_WIN": r"C:\Python311\python.exe"})
    assert vba_input(conf.read_bytes(), "cp936") == {"PYTHONPATH": "D:\\报表\\lib",
                                                     "INTERPRETER_WIN": r"C:\Python311\python.exe"}


def test_a_path_the_code_page_cannot_spell_is_refused_with_the_fix(tmp_path: Path, windows_format: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "xladdin.conf"
    monkeypatch.setattr(install, "short_path", lambda path: None)  # no 8.3 name (or not Windows)
    with pytest.raises(OutputError) as err:
        install.write_config(conf, {"INTERPRETER_WIN": "C:\\Users\\김민수\\python.exe"})
    message = str(err.value)
    assert "cp936" in message and "INTERPRETER_WIN" in message and "C:\\Python311" in message
    assert not conf.exists()
    monkeypatch.setattr(install, "short_path", lambda path: r"C:\Users\8D3F~1\python.exe")
    install.write_config(conf, {"INTERPRETER_WIN": "C:\\Users\\김민수\\python.exe"})
    assert vba_input(conf.read_bytes(), "cp936") == {"INTERPRETER_WIN": r"C:\Users\8D3F~1\python.exe"}


def test_config_format_follows_the_platform() -> None:
    encoding, newline = install.config_format()
    if sys.platform == "win32":
        assert encoding.startswith("cp") and newline == "\r\n"
    elif sys.platform == "darwin":
        assert (encoding, newline) == ("utf-8", "\n")
    else:  # install --dir rehearses the Chinese Windows file
        assert (encoding, newline) == ("cp936", "\r\n")


def test_install_dir_writes_the_windows_file(tmp_path: Path) -> None:
    plan = install.install(tmp_path)
    raw = plan.config.read_bytes()
    values = vba_input(raw, install.config_format()[0])
    assert values["UDF MODULES"] == "xladdin.excel.udfs"
    assert [k for k in values if k.startswith("INTERPRETER_")] == [f"INTERPRETER_{'MAC' if sys.platform == 'darwin' else 'WIN'}"]
