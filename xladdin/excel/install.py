"""Install / uninstall the add-in for the current user.

Install builds the add-in with the xlwings that this Python has (so the DLL version named in
the VBA matches), puts `xladdin.xlam` into Excel's start-up folder (XLSTART) and writes the
xlwings settings the add-in reads (xlwings' custom add-in config file):
  INTERPRETER_WIN / INTERPRETER_MAC = this Python, UDF MODULES = xladdin.excel.udfs.

Linux has no Excel: without --dir nothing is done and the plan is printed; with --dir the same
files are written into that folder (for tests and for copying to a Windows machine by hand).
"""

from __future__ import annotations

import os
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


def write_config(path: Path, values: dict[str, str]) -> None:
    """xlwings' config format: one "KEY","value" per line; other keys already there are kept."""
    lines: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith('"') and '","' in line:
                key = line.split('","', 1)[0].strip('"')
                lines[key] = line
    for key, value in values.items():
        lines[key] = f'"{key}","{value}"'
    atomic_write(path, "\n".join(lines.values()) + "\n", make_dirs=True)


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
