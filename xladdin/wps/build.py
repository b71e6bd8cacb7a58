"""`xladdin wps build`: an offline add-in folder, as WPS's jsaddons folder holds one.

    <out>/xladdin_<version>/    the add-in (ribbon.xml, index.html, js/, taskpane.html, css/)
    <out>/xladdin.7z            the same folder packed, for the jsplugins.xml (oem.ini) mode
    <out>/publish.xml           publish mode: <jsplugin … url="xladdin_<version>"/> (merged)
    <out>/jsplugins.xml         oem.ini mode: <jsplugin … url="file:///…/xladdin.7z"/> (merged)
    <out>/安装说明.txt

Nothing is fetched from the internet: the pages load only their own files; the service they
call is this machine's `xladdin serve`. The folder is written next to itself and renamed into
place, so an interrupted build never leaves half an add-in.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import OutputError, os_reason
from ..fileio import atomic_write
from ..serve.state import DEFAULT_PORT
from . import publish
from .package import ADDIN_NAME, addin_files, folder_name
from .sevenzip import pack_folder

MARKER = "xladdin-addin.json"  # inside every add-in folder we write: uninstall removes only those
README = "安装说明.txt"


@dataclass
class Built:
    out: Path
    addin: Path
    archive: Path
    publish_xml: Path
    jsplugins_xml: Path


def _refuse_foreign(out: Path, force: bool) -> None:
    """The one output rule: the .7z and the install notes are replaced only where an earlier
    build of ours stands (a folder with our marker), or with --force; publish.xml and
    jsplugins.xml are merged, never replaced."""
    if force or any(out.glob(f"*/{MARKER}")):
        return
    taken = [p for p in (out / f"{ADDIN_NAME}.7z", out / README) if p.exists() or p.is_symlink()]
    if taken:
        raise OutputError(
            f"文件夹中已有不是 xladdin 生成的“{taken[0].name}”，为免覆盖，未做改动（确需替换请加 --force，或换一个输出文件夹）",
            path=str(out),
        )


def write_addin(parent: Path, port: int = DEFAULT_PORT, launcher: str = "") -> Path:
    """<parent>/xladdin_<version>/ with every file of the add-in; an older copy of ours is replaced."""
    import json

    target = parent / folder_name()
    if target.exists() and not (target / MARKER).is_file():
        raise OutputError("同名文件夹已存在且不是 xladdin 写入的，为免覆盖，未做改动", path=str(target))
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".xladdin-", dir=parent))
        files = addin_files(port, launcher)
        files[MARKER] = json.dumps({"name": ADDIN_NAME, "version": __version__}, ensure_ascii=False).encode("utf-8")
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except OSError as exc:
        raise OutputError(f"无法写入加载项文件夹（{os_reason(exc)}）", path=str(target)) from exc
    finally:
        if "staging" in locals() and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def write_archive(addin: Path) -> Path:
    archive = addin.parent / f"{ADDIN_NAME}.7z"
    return atomic_write(archive, pack_folder(addin))


def readme(port: int) -> str:
    return (
        "政务公开年报（xladdin）WPS 表格加载项：离线安装文件\n"
        "==========================================\n\n"
        f"{folder_name()}/   加载项本身（功能区、任务窗格）\n"
        f"{ADDIN_NAME}.7z        同一文件夹的 7z 包（旧版政务版 WPS 的 oem.ini / jsplugins.xml 方式使用）\n"
        "publish.xml       publish 方式的加载项列表（新版 WPS 默认）\n"
        "jsplugins.xml     oem.ini 方式的加载项列表\n\n"
        "最简单的安装：在本机装好 xladdin 后运行\n"
        "    xladdin wps install\n"
        "它把加载项复制到当前用户的 jsaddons 文件夹并登记（不需要管理员权限），不会改动列表中其他加载项。\n\n"
        "手工安装（publish 方式）：把上面的文件夹复制到\n"
        "    Windows：%APPDATA%\\kingsoft\\wps\\jsaddons\\\n"
        "    统信 UOS、麒麟等 Linux：~/.local/share/Kingsoft/wps/jsaddons/\n"
        "再把 publish.xml 中的 <jsplugin …/> 一行加入该文件夹中的 publish.xml（没有就复制过去）。\n\n"
        f"加载项的按钮调用本机服务 http://127.0.0.1:{port}/ ：请先运行 xladdin serve（或开始菜单中的“政务公开年报服务”）。\n"
    )


def build(out_dir: str | Path, port: int = DEFAULT_PORT, launcher: str = "", force: bool = False) -> Built:
    out = Path(out_dir)
    _refuse_foreign(out, force)
    addin = write_addin(out, port, launcher)
    archive = write_archive(addin)
    publish_xml = publish.merge(out / "publish.xml", *publish.publish_entry(__version__))
    jsplugins_xml = publish.merge(out / "jsplugins.xml", *publish.jsplugins_entry(archive, __version__))
    atomic_write(out / README, readme(port))
    return Built(out, addin, archive, publish_xml, jsplugins_xml)


__all__ = ["MARKER", "Built", "build", "write_addin", "write_archive"]
