"""Install / uninstall the add-in for the current user.

Install builds the add-in with the xlwings that this Python has (so the DLL version named in
the VBA matches), puts `xladdin.xlam` into Excel's start-up folder (XLSTART) and writes the
xlwings settings the add-in reads (xlwings' custom add-in config file):
  INTERPRETER_WIN / INTERPRETER_MAC = this Python, UDF MODULES = xladdin.excel.udfs.

Linux has no Excel: without --dir nothing is done and the plan is printed; with --dir the same
files are written into that folder (for tests and for copying to a Windows machine by hand).

The config file is what xlwings' VBA reads with `Input #`: see config_format for its bytes.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError
from ..fileio import atomic_write
from .build import ADDIN_NAME, UDF_MODULE, addin_workbook, package_workbook
from .vba import PROJECT_NAME


@dataclass
class Plan:
    addin: Path  # where xladdin.xlam goes
    config: Path  # the xlwings config file of the add-in
    settings: dict[str, str] = field(default_factory=dict)
    excel_present: bool = True

    def describe(self) -> str:
        lines = [f"加载项：{self.addin}", f"xlwings 设置文件：{self.config}"]
        lines += [f"  {k} = {v}" for k, v in self.settings.items()]
        return "\n".join(lines)


def xlstart_dir() -> Path | None:
    """Excel's per-user start-up folder; None where there is no Excel (Linux)."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return (Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
                / "Startup.localized" / "Excel")
    return None


def config_file() -> Path | None:
    """Where xlwings' custom add-in VBA (GetConfigFilePath) looks for the user settings."""
    if sys.platform == "win32":
        return Path(os.environ.get("USERPROFILE", Path.home())) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    if sys.platform == "darwin":  # sandboxed Excel's $HOME
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf"
    return None


def settings() -> dict[str, str]:
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    return {key: sys.executable, "UDF MODULES": UDF_MODULE}


def plan(target_dir: str | Path | None = None) -> Plan:
    if target_dir is not None:
        d = Path(target_dir)
        return Plan(d / ADDIN_NAME, d / f"{PROJECT_NAME}.conf", settings(), excel_present=xlstart_dir() is not None)
    start, conf = xlstart_dir(), config_file()
    if start is None or conf is None:
        return Plan(Path("%APPDATA%/Microsoft/Excel/XLSTART") / ADDIN_NAME,
                    Path(f"%USERPROFILE%/.{PROJECT_NAME}/{PROJECT_NAME}.conf"),
                    {"INTERPRETER_WIN": "<Windows 上的 python.exe 路径>", "UDF MODULES": UDF_MODULE},
                    excel_present=False)
    return Plan(start / ADDIN_NAME, conf, settings())


def config_format() -> tuple[str, str]:
    """(encoding, line end) in which xlwings' VBA reads the config file.

    `GetConfigFromFile` reads it with `Open … For Input` / `Input #`: bytes in the system ANSI
    code page (cp936 on Chinese Windows), lines ended by CRLF. `xlwings config create` writes it
    with Python's `open(path, "w")`, i.e. the same on Windows unless Python's UTF-8 mode is on;
    the code page is asked of Windows directly, so UTF-8 mode cannot garble it. Excel for Mac
    reads UTF-8 with LF (what xlwings writes there). Elsewhere (`install --dir` on Linux, a
    rehearsal for copying to Windows) the file is written for Chinese Windows.
    """
    if sys.platform == "win32":
        return locale.getencoding(), "\r\n"  # "cp" + GetACP(), whatever the UTF-8 mode
    if sys.platform == "darwin":
        return "utf-8", "\n"
    return "cp936", "\r\n"


def short_path(path: str) -> str | None:
    """Windows' 8.3 short form of an existing path (ASCII when 8.3 names are enabled), or None."""
    if sys.platform != "win32":
        return None
    import ctypes

    buffer = ctypes.create_unicode_buffer(1024)
    n = ctypes.windll.kernel32.GetShortPathNameW(path, buffer, len(buffer))  # type: ignore[attr-defined]
    return buffer.value if 0 < n < len(buffer) else None


def encodable(values: dict[str, str], encoding: str, path: Path) -> dict[str, str]:
    """The values as the config file can hold them in `encoding`: a path the code page cannot
    spell (say a user folder in another script) becomes its 8.3 short path, if Windows has one;
    otherwise an OutputError says which value and what to do."""
    out = {}
    for key, value in values.items():
        try:
            value.encode(encoding)
        except UnicodeEncodeError:
            short = short_path(value)
            if short is None or not _fits(short, encoding):
                raise OutputError(
                    f"{key} 的路径“{value}”含有系统代码页 {encoding} 无法表示的字符，Excel 中的 VBA 读不出它。"
                    "请把 Python 安装到只含英文字母和数字的短路径（如 C:\\Python311），"
                    "或在这样的路径下建立虚拟环境，再用其中的 python 运行 xladdin addin install",
                    path=str(path)) from None
            value = short
        out[key] = value
    return out


def _fits(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def read_config(path: Path) -> dict[str, str]:
    """KEY -> value of a config file, read as VBA's `Input #` would ("KEY","value" per line).
    An earlier UTF-8 file (written by older versions of xladdin) is read as UTF-8."""
    raw = path.read_bytes()
    encoding, _ = config_format()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode(encoding, errors="replace")
    out = {}
    for line in text.splitlines():
        fields = re.findall(r'"([^"]*)"', line)
        if len(fields) >= 2:
            out[fields[0]] = fields[1]
    return out


def write_config(path: Path, values: dict[str, str]) -> None:
    """xlwings' config format: one "KEY","value" per line, in the code page and line ends the VBA
    reads (config_format); other keys already there are kept."""
    encoding, newline = config_format()
    current = read_config(path) if path.exists() else {}
    current.update(encodable(values, encoding, path))
    text = "".join(f'"{key}","{value}"{newline}' for key, value in current.items())
    atomic_write(path, text.encode(encoding), make_dirs=True)


def install(target_dir: str | Path | None = None) -> Plan:
    p = plan(target_dir)
    if not p.excel_present and target_dir is None:
        return p  # the caller prints the plan; nothing written
    try:
        p.addin.parent.mkdir(parents=True, exist_ok=True)
        package_workbook(addin_workbook(), p.addin)
        write_config(p.config, p.settings)
    except PermissionError as exc:
        raise OutputError("无法写入（Excel 是否正在运行？请先关闭 Excel）", path=str(exc.filename or p.addin)) from exc
    return p


def uninstall(target_dir: str | Path | None = None) -> tuple[Plan, list[Path]]:
    p = plan(target_dir)
    removed = []
    if not p.excel_present and target_dir is None:
        return p, removed
    for f in (p.addin, p.config):
        if f.exists():
            try:
                f.unlink()
            except PermissionError as exc:
                raise OutputError("无法删除（Excel 是否正在运行？请先关闭 Excel）", path=str(f)) from exc
            removed.append(f)
    return p, removed
