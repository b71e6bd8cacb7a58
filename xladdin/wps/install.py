"""`xladdin wps install | uninstall`: the add-in for the current user, where WPS looks for it.

Per user, no admin rights:
- the add-in folder and its 7z go into the user's jsaddons folder
  (Windows %APPDATA%\\kingsoft\\wps\\jsaddons; Linux, UOS and Kylin ~/.local/share/Kingsoft/wps/jsaddons);
- publish mode (current WPS builds): our entry merged into jsaddons/publish.xml;
- oem.ini mode (older 政务版 builds, oem.ini has [Support] JsApiPlugin=true): our entry merged into
  jsaddons/jsplugins.xml, which WPS reads when JsApiPlugin is on, JSPluginsServer set or not.
  oem.ini itself sits in the program folder (Windows <WPS>\\<version>\\office6\\cfgs; generic Linux
  /opt/kingsoft/wps-office/office6/cfgs; UOS /opt/apps/cn.wps.wps-office-pro/files/kingsoft/
  wps-office/office6/cfgs) and needs admin rights: it is never edited here, the lines to add are
  printed instead.
- "auto" picks oem.ini mode when an oem.ini turns JsApiPlugin on, else publish mode: one mode
  only, since WPS's own notes warn that an add-in registered in two modes can clash by name.
- a launcher for the service (Linux: a menu entry ~/.local/share/applications/xladdin-serve.desktop;
  Windows: 政务公开年报服务.cmd in the Start menu), optionally started at login (--autostart); the
  ribbon starts it through WPS when the service is down, or says how.
What was written is recorded in the config folder (wps-install.json); uninstall removes exactly
that: our folders (marked by xladdin-addin.json), our entries (other add-ins' stay), our launchers.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import InputError, OutputError, os_reason
from ..fileio import atomic_write
from ..serve.state import DEFAULT_PORT, config_dir
from . import publish
from .build import MARKER, write_addin, write_archive
from .package import ADDIN_NAME

RECORD = "wps-install.json"
LAUNCHER_NAME = "政务公开年报服务"
LINUX_WPS = (
    ("统信 UOS（cn.wps.wps-office-pro）", Path("/opt/apps/cn.wps.wps-office-pro/files/kingsoft/wps-office/office6")),
    ("Linux（/opt/kingsoft）", Path("/opt/kingsoft/wps-office/office6")),
)


def is_windows() -> bool:
    return sys.platform == "win32"


def jsaddons_dir() -> Path:
    if is_windows():
        return Path(os.environ["APPDATA"]) / "kingsoft" / "wps" / "jsaddons"
    return Path.home() / ".local" / "share" / "Kingsoft" / "wps" / "jsaddons"


def oem_ini_candidates() -> list[tuple[str, Path]]:
    if not is_windows():
        return [(label, office6 / "cfgs" / "oem.ini") for label, office6 in LINUX_WPS]
    out = []
    roots = [os.environ.get(v) for v in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA")]
    for root in filter(None, roots):
        for base in (Path(root) / "Kingsoft" / "WPS Office", Path(root) / "WPS Office"):
            for office6 in sorted(base.glob("*/office6")):
                out.append((f"Windows（{office6.parent.name}）", office6 / "cfgs" / "oem.ini"))
    return out


def jsapi_enabled(oem_ini: Path) -> bool:
    """[Support] JsApiPlugin=true in an oem.ini (keys and sections in any case)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    try:
        parser.read_string(oem_ini.read_bytes().decode("utf-8", "replace").lstrip("\ufeff"))
    except (OSError, configparser.Error):
        return False
    for section in parser.sections():
        if section.lower() == "support":
            for key, value in parser[section].items():
                if key.lower() == "jsapiplugin" and value.strip().lower() in ("true", "1", "yes"):
                    return True
    return False


def _python_command(port: int) -> list[str]:
    python = Path(sys.executable)
    if is_windows() and (python.parent / "pythonw.exe").exists():
        python = python.parent / "pythonw.exe"  # no console window
    return [str(python), "-m", ADDIN_NAME, "serve", "--port", str(port)]


def _desktop_entry(port: int) -> str:
    exec_line = " ".join(f'"{a}"' if " " in a else a for a in _python_command(port))
    return ("[Desktop Entry]\nType=Application\n"
            f"Name={LAUNCHER_NAME}\n"
            "Comment=WPS 表格“政务公开年报”加载项使用的本机服务（xladdin serve）\n"
            f"Exec={exec_line}\nTerminal=false\nCategories=Office;\n")


def _cmd_file(port: int) -> str:
    command = " ".join(f'"{a}"' for a in _python_command(port))
    # chcp 65001: the lines after it are read as UTF-8, so a path like C:\Users\张三 works
    return f"@echo off\r\nchcp 65001 >nul\r\nstart \"\" {command}\r\n"


def launcher_paths(autostart: bool) -> list[Path]:
    if is_windows():
        programs = Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        out = [programs / f"{LAUNCHER_NAME}.cmd"]
        if autostart:
            out.append(programs / "Startup" / f"{LAUNCHER_NAME}.cmd")
        return out
    home = Path.home()
    out = [home / ".local" / "share" / "applications" / "xladdin-serve.desktop"]
    if autostart:
        out.append(Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "autostart" / "xladdin-serve.desktop")
    return out


@dataclass
class Installed:
    jsaddons: Path
    addin: Path
    archive: Path
    mode: str
    lists: list[Path] = field(default_factory=list)
    launchers: list[Path] = field(default_factory=list)
    oem_ini: Path | None = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"加载项文件夹：{self.addin}", f"7z 包：{self.archive}"]
        lines += [f"已登记于：{p}" for p in self.lists]
        lines += [f"服务启动器：{p}" for p in self.launchers]
        return "\n".join(lines + self.notes)


def choose_mode(mode: str, oem_ini: Path | None) -> tuple[str, Path | None, str]:
    """(publish | oem, the oem.ini looked at, why)."""
    found = [(label, p) for label, p in oem_ini_candidates() if p.is_file()] if oem_ini is None else (
        [("指定的 oem.ini", oem_ini)] if oem_ini.is_file() else [])
    on = next(((label, p) for label, p in found if jsapi_enabled(p)), None)
    if mode == "publish":
        return "publish", on[1] if on else None, "按 --mode publish"
    if mode == "oem":
        return "oem", (on or (found[0] if found else (None, None)))[1], "按 --mode oem"
    if on:
        return "oem", on[1], f"{on[0]} 的 oem.ini 启用了 JsApiPlugin（旧版政务版的 jsplugins.xml 方式）"
    return "publish", found[0][1] if found else None, "publish 方式（当前 WPS 版本的默认方式）"


def install(mode: str = "auto", port: int = DEFAULT_PORT, autostart: bool = False, jsaddons: Path | None = None,
            oem_ini: Path | None = None) -> Installed:
    if mode not in ("auto", "publish", "oem"):
        raise InputError(f"--mode 应为 auto、publish 或 oem，收到“{mode}”")
    folder = jsaddons or jsaddons_dir()
    chosen, ini, why = choose_mode(mode, oem_ini)
    launchers = launcher_paths(autostart)
    addin = write_addin(folder, port, launcher=str(launchers[0]))
    archive = write_archive(addin)
    done = Installed(folder, addin, archive, chosen, oem_ini=ini, notes=[f"方式：{why}"])
    other = folder / ("jsplugins.xml" if chosen == "publish" else "publish.xml")
    if publish.remove(other):  # one mode only: an earlier install in the other mode is taken back
        done.notes.append(f"已从 {other} 删除本加载项在另一种方式下的登记")
    if chosen == "publish":
        done.lists.append(publish.merge(folder / "publish.xml", *publish.publish_entry(__version__)))
    else:
        done.lists.append(publish.merge(folder / "jsplugins.xml", *publish.jsplugins_entry(archive, __version__)))
        if ini is None or not jsapi_enabled(ini):
            where = ini or "WPS 安装目录下 office6/cfgs/oem.ini"
            done.notes.append(
                f"注意：{where} 中还没有启用加载项。请信息中心（需要管理员权限）在其中加入：\n"
                "    [Support]\n    JsApiPlugin=true\n"
                f"    [Server]\n    JSPluginsServer={(folder / 'jsplugins.xml').resolve().as_uri()}")
    for path in launchers:
        content = _cmd_file(port) if is_windows() else _desktop_entry(port)
        atomic_write(path, content, make_dirs=True)
        if not is_windows():
            os.chmod(path, 0o755)
        done.launchers.append(path)
    _write_record(done)
    done.notes.append("请完全退出 WPS 后重新打开（Linux 上 WPS 常驻后台，可运行 quickstartoffice restart）。")
    return done


def _record_path() -> Path:
    return config_dir() / RECORD


def _write_record(done: Installed) -> None:
    record = {"version": __version__, "jsaddons": str(done.jsaddons), "addin": str(done.addin),
              "archive": str(done.archive), "lists": [str(p) for p in done.lists],
              "launchers": [str(p) for p in done.launchers]}
    atomic_write(_record_path(), json.dumps(record, ensure_ascii=False, indent=2), make_dirs=True)


def uninstall(jsaddons: Path | None = None) -> list[str]:
    """Remove what install wrote; returns what was removed (Chinese lines)."""
    try:
        record = json.loads(_record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    folder = jsaddons or Path(record.get("jsaddons") or jsaddons_dir())
    removed = []
    for name in ("publish.xml", "jsplugins.xml"):
        if publish.remove(folder / name):
            removed.append(f"已从 {folder / name} 删除本加载项的登记")
    if folder.is_dir():
        for path in sorted(folder.glob(f"{ADDIN_NAME}_*")):
            if path.is_dir() and (path / MARKER).is_file():
                _rmtree(path)
                removed.append(f"已删除 {path}")
    archive = folder / f"{ADDIN_NAME}.7z"
    if archive.is_file() and str(archive) in (record.get("archive"), str(folder / f"{ADDIN_NAME}.7z")):
        archive.unlink()
        removed.append(f"已删除 {archive}")
    for p in record.get("launchers", []):
        path = Path(p)
        if path.is_file():
            path.unlink()
            removed.append(f"已删除 {path}")
    if _record_path().is_file():
        _record_path().unlink()
    return removed


def _rmtree(path: Path) -> None:
    try:
        shutil.rmtree(path)
    except OSError as exc:
        raise OutputError(f"无法删除（{os_reason(exc)}；WPS 是否仍在运行？）", path=str(path)) from exc


__all__ = ["Installed", "choose_mode", "install", "jsaddons_dir", "jsapi_enabled", "oem_ini_candidates", "uninstall"]
