"""`xladdin wps build | install | uninstall`: the offline add-in folder, its 7z (checked with the
real 7-Zip), both publish lists parsed and checked, installs that merge into lists holding other
add-ins and take out only ours, and the add-in's files inside the wheel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from xladdin import __version__
from xladdin.errors import InputError
from xladdin.wps import install as inst
from xladdin.wps import publish
from xladdin.wps.build import MARKER, build
from xladdin.wps.package import addin_files, folder_name
from xladdin.wps.sevenzip import number, pack_folder

ROOT = Path(__file__).resolve().parents[1]
SEVEN_ZIP = shutil.which("7zz") or shutil.which("7z") or "/usr/bin/7zz"
OTHER = ('<?xml version="1.0" encoding="UTF-8"?>\n<jsplugins>\n  <!-- 单位 OA 的加载项 -->\n'
         '  <jspluginonline name="oa-assist" type="wps" url="http://oa.example/addin/" enable="enable_dev"/>\n'
         '  <jsplugin name="xladdin" type="et" url="xladdin_0.0.1" version="0.0.1"/>\n</jsplugins>\n')


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return subprocess.run([sys.executable, "-m", "xladdin", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(h / ".config"))
    monkeypatch.setattr(inst, "oem_ini_candidates", lambda: [])  # this machine's /opt is not looked at
    return h


def test_build_writes_the_add_in_its_7z_and_both_lists(tmp_path: Path) -> None:
    run = cli("wps", "build", "-o", str(tmp_path / "out"), "--port", "18231", home=tmp_path)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    addin = out / folder_name()
    files = {p.relative_to(addin).as_posix() for p in addin.rglob("*") if p.is_file()}
    assert files == set(addin_files(18231)) | {MARKER}
    # every script and stylesheet a page names is in the folder (nothing is fetched from elsewhere)
    for page in ("index.html", "taskpane.html"):
        html = (addin / page).read_text(encoding="utf-8")
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs and all(r == "data:," or (addin / r).is_file() for r in refs), (page, refs)
        assert "http" not in " ".join(refs)
    assert '"port": 18231' in (addin / "js" / "config.js").read_text(encoding="utf-8")
    # publish.xml: the folder in jsaddons
    root = ET.parse(out / "publish.xml").getroot()
    assert root.tag == "jsplugins" and [e.tag for e in root] == ["jsplugin"]
    entry = root[0].attrib
    assert entry == {"name": "xladdin", "type": "et", "url": folder_name(), "version": __version__,
                     "enable": "enable_dev", "install": "null", "customDomain": ""}
    # jsplugins.xml: the 7z by file URL
    root = ET.parse(out / "jsplugins.xml").getroot()
    assert root.tag == "jsplugins" and len(root) == 1 and root[0].tag == "jsplugin"
    entry = root[0].attrib
    assert entry["name"] == "xladdin" and entry["type"] == "et" and entry["version"] == __version__
    assert entry["url"] == (out / "xladdin.7z").resolve().as_uri()
    assert (out / "安装说明.txt").read_text(encoding="utf-8").count("xladdin wps install") >= 1


def test_the_7z_is_what_7_zip_reads(tmp_path: Path) -> None:
    built = build(tmp_path / "out")
    test = subprocess.run([SEVEN_ZIP, "t", str(built.archive)], capture_output=True, text=True)
    assert test.returncode == 0 and "Everything is Ok" in test.stdout, test.stdout + test.stderr
    subprocess.run([SEVEN_ZIP, "x", f"-o{tmp_path / 'x'}", str(built.archive)], check=True, capture_output=True)
    extracted = tmp_path / "x" / folder_name()
    for path in built.addin.rglob("*"):
        twin = extracted / path.relative_to(built.addin)
        assert twin.exists(), twin
        if path.is_file():
            assert twin.read_bytes() == path.read_bytes()
    assert sum(1 for _ in extracted.rglob("*")) == sum(1 for _ in built.addin.rglob("*"))


def test_7z_edge_cases(tmp_path: Path) -> None:
    assert [number(n) for n in (0, 127, 128, 16383, 16384)] == [b"\x00", b"\x7f", b"\x80\x80", b"\xbf\xff",
                                                                 b"\xc0\x00\x40"]
    tree = tmp_path / "中文_1.0"
    (tree / "空文件夹").mkdir(parents=True)
    (tree / "空.txt").write_bytes(b"")
    (tree / "一.txt").write_text("政务公开", encoding="utf-8")
    archive = tmp_path / "t.7z"
    archive.write_bytes(pack_folder(tree))
    subprocess.run([SEVEN_ZIP, "x", f"-o{tmp_path / 'x'}", str(archive)], check=True, capture_output=True)
    assert (tmp_path / "x" / "中文_1.0" / "空文件夹").is_dir()
    assert (tmp_path / "x" / "中文_1.0" / "空.txt").read_bytes() == b""
    assert (tmp_path / "x" / "中文_1.0" / "一.txt").read_text(encoding="utf-8") == "政务公开"


def test_build_merges_into_lists_that_hold_other_add_ins(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "publish.xml").write_text(OTHER, encoding="utf-8")
    build(out)
    entries = publish.entries(out / "publish.xml")
    assert [(e["name"], e.get("version")) for e in entries] == [("oa-assist", None), ("xladdin", __version__)]
    assert "单位 OA 的加载项" in (out / "publish.xml").read_text(encoding="utf-8")


def test_install_registers_once_keeps_others_and_uninstall_takes_out_only_ours(home: Path) -> None:
    jsaddons = home / ".local" / "share" / "Kingsoft" / "wps" / "jsaddons"
    jsaddons.mkdir(parents=True)
    (jsaddons / "publish.xml").write_text(OTHER, encoding="utf-8")
    (jsaddons / "oa-assist_1.0").mkdir()  # another vendor's folder
    for _ in range(2):
        done = inst.install()
    assert done.mode == "publish" and done.jsaddons == jsaddons
    entries = publish.entries(jsaddons / "publish.xml")
    assert [e["name"] for e in entries] == ["oa-assist", "xladdin"]
    assert (jsaddons / folder_name() / "ribbon.xml").is_file() and (jsaddons / "xladdin.7z").is_file()
    desktop = home / ".local" / "share" / "applications" / "xladdin-serve.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert "Name=政务公开年报服务" in text and f"{sys.executable} -m xladdin serve --port 18230" in text
    assert str(desktop) in (jsaddons / folder_name() / "js" / "config.js").read_text(encoding="utf-8")
    removed = inst.uninstall()
    assert any("publish.xml" in r for r in removed)
    assert [e["name"] for e in publish.entries(jsaddons / "publish.xml")] == ["oa-assist"]
    assert not (jsaddons / folder_name()).exists() and not (jsaddons / "xladdin.7z").exists()
    assert (jsaddons / "oa-assist_1.0").is_dir() and not desktop.exists()
    assert inst.uninstall() == []


def test_auto_mode_follows_an_oem_ini_that_turns_jsapi_on(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = home / "oem.ini"
    ini.write_text("[Setup]\nSilent=0\n\n[support]\nJsApiPlugin = true\n", encoding="utf-8")
    monkeypatch.setattr(inst, "oem_ini_candidates", lambda: [("测试", ini)])
    first = inst.install(mode="publish")
    jsaddons = first.jsaddons
    assert [e["name"] for e in publish.entries(jsaddons / "publish.xml")] == ["xladdin"]
    done = inst.install()  # auto: the oem.ini mode, and the publish entry taken back
    assert done.mode == "oem" and done.oem_ini == ini
    assert publish.entries(jsaddons / "publish.xml") == []
    entry = publish.entries(jsaddons / "jsplugins.xml")[0]
    assert entry["url"] == (jsaddons / "xladdin.7z").resolve().as_uri() and entry["enable"] == "true"
    assert not any("JsApiPlugin=true" in n for n in done.notes)  # already on: nothing for IT to do
    ini.write_text("[Support]\nJsApiPlugin=false\n", encoding="utf-8")
    forced = inst.install(mode="oem", oem_ini=ini)
    assert any("JsApiPlugin=true" in n and "管理员" in n for n in forced.notes)
    assert ini.read_text(encoding="utf-8") == "[Support]\nJsApiPlugin=false\n"  # never edited


def test_a_list_that_cannot_be_read_is_left_alone(home: Path) -> None:
    jsaddons = home / ".local" / "share" / "Kingsoft" / "wps" / "jsaddons"
    jsaddons.mkdir(parents=True)
    broken = "<jsplugins><jsplugin name='x'"
    (jsaddons / "publish.xml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError, match="未做任何改动"):
        inst.install()
    assert (jsaddons / "publish.xml").read_text(encoding="utf-8") == broken
    run = cli("wps", "install", home=home)
    assert run.returncode == 2 and "未做任何改动" in run.stderr and "Traceback" not in run.stderr


def test_windows_paths_and_launcher(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inst, "is_windows", lambda: True)
    appdata = home / "AppData" / "Roaming"
    monkeypatch.setenv("APPDATA", str(appdata))
    assert inst.jsaddons_dir() == appdata / "kingsoft" / "wps" / "jsaddons"
    menu, startup = inst.launcher_paths(autostart=True)
    assert menu == appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "政务公开年报服务.cmd"
    assert startup.parent.name == "Startup"
    cmd = inst._cmd_file(18230)
    assert cmd.startswith("@echo off\r\nchcp 65001 >nul\r\n") and cmd.endswith("\r\n")
    assert '"-m" "xladdin" "serve" "--port" "18230"' in cmd


def test_the_wheel_ships_the_add_in(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    wheel = next(tmp_path.glob("xladdin-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    static = {f"xladdin/wps/addin/{n}" for n in addin_files(18230) if n not in ("ribbon.xml", "js/config.js")}
    assert static <= names, static - names
    assert {"xladdin/serve/app.py", "xladdin/wps/sevenzip.py", "xladdin/excel/macros/customUI.xml"} <= names


def test_build_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    """The one output rule for `wps build`: a user's xladdin.7z or 安装说明.txt in the output
    folder is refused (nothing written) unless --force; a folder of an earlier build is rebuilt."""
    out = tmp_path / "dist"
    out.mkdir()
    mine = out / "安装说明.txt"
    mine.write_text("我自己的说明", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "xladdin", "wps", "build", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "--force" in run.stderr and "Traceback" not in run.stderr
    assert mine.read_text(encoding="utf-8") == "我自己的说明" and sorted(p.name for p in out.iterdir()) == [mine.name]
    run = subprocess.run([sys.executable, "-m", "xladdin", "wps", "build", "-o", str(out), "--force"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "xladdin wps install" in mine.read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "xladdin", "wps", "build", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr  # our own earlier build: replaced without --force
