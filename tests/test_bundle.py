"""The offline installer: built here for win_amd64 and manylinux_x86_64 (the registry is used
to build it, as on the information centre's machine), then every requirement resolves from the
bundle alone (pip --dry-run --no-index, per platform), and on Linux the bundle installs into a
fresh virtual environment with no network and runs `xladdin demo`.

The build is slow (two platforms' wheels, ~200 MB): one session-scoped fixture, two platforms."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xladdin.bundle import GUIDE, LINUX_SCRIPT, MANIFEST, WHEELS, WINDOWS_SCRIPT, Target, build, closure
from xladdin.cli import main
from xladdin.errors import InputError, OutputError
from xladdin.excel import bitness

ROOT = Path(__file__).resolve().parents[1]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
PLATFORMS = ["win_amd64", "manylinux_x86_64"]
DEAD_PROXY = "http://127.0.0.1:9"  # any attempt to reach the network fails at once


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "离线安装包"
    build(out, PLATFORMS, [PYTHON])
    return out


def offline_env(home: Path) -> dict[str, str]:
    """A clean environment: no pip configuration or PIP_* variable of this machine, and a proxy
    that refuses every connection, so only the bundle can serve the install."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PIP_CONFIG_FILE=os.devnull, http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY,
               HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    return env


@pytest.mark.slow
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_requirement_resolves_from_the_bundle_alone(bundle: Path, platform: str, tmp_path: Path) -> None:
    target = Target(platform, PYTHON)
    args = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-index",
            "--find-links", str(bundle / WHEELS), "--only-binary", ":all:", "--python-version", PYTHON,
            "--implementation", "cp", "--target", str(tmp_path / "t")]
    for tag in target.tags:
        args += ["--platform", tag]
    done = subprocess.run(args + ["xladdin"], capture_output=True, text=True, env=offline_env(tmp_path), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"Would install .*\bxladdin-\d", done.stdout)
    # pip judges markers for this machine: the target's own (pywin32 on Windows) are followed too
    names = sorted(p.name for p in (bundle / WHEELS).glob("*.whl"))
    needed, missing = closure(bundle / WHEELS, names, target, "xladdin")
    assert missing == []
    assert any(n.startswith("pywin32-") for n in needed) == platform.startswith("win")
    assert any(n.startswith("xlwings-") and platform.split("_")[0] in n for n in needed)


@pytest.mark.slow
def test_manifest_and_what_the_bundle_leaves_out(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["pythons"] == [PYTHON] and set(manifest["platforms"]) == set(PLATFORMS) and not manifest["ocr"]
    on_disk = {p.name: p.stat().st_size for p in (bundle / WHEELS).glob("*.whl")}
    for entry in manifest["platforms"].values():
        assert set(entry["wheels"]) <= set(on_disk)
        assert entry["bytes"] == sum(on_disk[n] for n in entry["wheels"])
        assert not any(re.match(r"(rapidocr|onnxruntime|opencv)", n) for n in entry["wheels"])  # OCR is an extra
    assert "jieba-0.42.1-py3-none-any.whl" in manifest["built_here"]  # published as source only
    own = next(n for n in on_disk if n.startswith("xladdin-"))
    with zipfile.ZipFile(bundle / WHEELS / own) as zf:
        names = set(zf.namelist())
    assert {"xladdin/examples/weihai-2024.json", "xladdin/excel/macros/customUI.xml"} <= names  # data, not links


@pytest.mark.slow
def test_linux_install_with_no_network_then_the_demo_runs(bundle: Path, tmp_path: Path) -> None:
    env = offline_env(tmp_path)
    env["XLADDIN_HOME"] = str(tmp_path / "xladdin")
    done = subprocess.run(["bash", str(bundle / LINUX_SCRIPT)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=1200, check=False)
    assert done.returncode == 0, (done.stdout[-1500:], done.stderr[-1500:])
    assert "安装完成" in done.stdout
    venv = tmp_path / "xladdin" / "venv"
    command = tmp_path / ".local" / "bin" / "xladdin"
    assert command.resolve() == (venv / "bin" / "xladdin").resolve()
    demo = subprocess.run([str(command), "demo", "-o", str(tmp_path / "示例")], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=600, check=False)
    assert demo.returncode == 0, demo.stderr[-1500:]
    assert "完成：通过" in demo.stdout and (tmp_path / "示例" / "审核结果.xlsx").is_file()
    # the installed package is the bundle's, the core one: no OCR stack
    probe = "import importlib.util, xladdin; print(xladdin.__file__, importlib.util.find_spec('rapidocr_onnxruntime'))"
    out = subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True).stdout
    assert str(venv) in out and out.strip().endswith("None")
    again = subprocess.run(["bash", str(bundle / LINUX_SCRIPT), "--ocr"], capture_output=True, text=True, env=env,
                           cwd=tmp_path, check=False)
    assert again.returncode == 1 and "不含文字识别组件" in again.stderr


@pytest.mark.slow
def test_the_windows_script(bundle: Path) -> None:
    """安装.cmd cannot run here: its text is checked. GBK and CRLF (cmd.exe reads a batch file in
    the console's code page), every goto has its label, special characters of echo lines escaped,
    a per-user venv, the bundle only, the bitness check, the add-in, and the advice."""
    raw = (bundle / WINDOWS_SCRIPT).read_bytes()
    text = raw.decode("gbk").replace("\r\n", "\n")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    labels = set(re.findall(r"^:(\w+)$", text, re.M))
    assert set(re.findall(r"goto (\w+)", text)) <= labels
    for line in text.splitlines():
        if line.startswith("echo "):
            assert not re.search(r"(?<!\^)[|<>&]", line), line
    assert r'set "VENV=%TARGET%\venv"' in text and r'set "TARGET=%LOCALAPPDATA%\xladdin"' in text
    assert '-m venv "%VENV%"' in text and "PIP_CONFIG_FILE=NUL" in text
    assert '--no-index --find-links "%HERE%wheels"' in text and "xladdin.exe\" addin install" in text
    assert "-m xladdin.excel.bitness" in text and "Unblock-File" in text and "解除锁定" in text
    assert "受信任位置" in text and "InstallAllUsers=0" in text
    assert f"'{PYTHON}'" in text  # only the Python versions the bundle holds
    guide = (bundle / GUIDE).read_bytes()
    assert guide.startswith(b"\xef\xbb\xbf")
    assert "Unblock-File" in guide.decode("utf-8") and "受信任位置" in guide.decode("utf-8")
    syntax = subprocess.run(["sh", "-n", str(bundle / LINUX_SCRIPT)], capture_output=True, text=True, check=False)
    assert syntax.returncode == 0 and os.access(bundle / LINUX_SCRIPT, os.X_OK)


def test_refusals_are_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    busy = tmp_path / "已有文件"
    busy.mkdir()
    (busy / "年报.xlsx").write_bytes(b"mine")
    with pytest.raises(OutputError, match="不是空的"):
        build(busy, ["win_amd64"], [PYTHON])
    assert (busy / "年报.xlsx").read_bytes() == b"mine"
    with pytest.raises(InputError, match="Python 版本应写作"):
        build(tmp_path / "new", ["win_amd64"], ["3.9"])
    with pytest.raises(SystemExit) as caught:
        main(["bundle", "-o", str(tmp_path / "x"), "--platform", "macos"])
    assert caught.value.code == 2 and "无效的选择" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("python", "office", "dlls", "fine", "words"),
    [
        (64, 64, ["xlwings32-0.37.8.dll", "xlwings64-0.37.8.dll"], True, "都是 64 位"),
        (64, 32, ["xlwings32-0.37.8.dll", "xlwings64-0.37.8.dll"], True, "Excel 是 32 位，Python 是 64 位：可以使用"),
        (64, 32, ["xlwings64-0.37.8.dll"], False, "没有 xlwings32-"),
        (32, 32, [], False, "请安装 64 位 Python"),
        (64, None, [], True, "没有找到 Excel"),
    ],
)
def test_bitness_advice(python: int, office: int | None, dlls: list[str], fine: bool, words: str) -> None:
    ok, text = bitness.advice(python, office, dlls)
    assert ok is fine and words in text


def test_office_bitness_from_the_registry() -> None:
    """The registry is read through a reader function: Windows' winreg there, a table here."""
    click_to_run = {(r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform"): "x86"}
    msi = {(r"SOFTWARE\Microsoft\Office\16.0\Outlook", "Bitness"): "x64"}
    assert bitness.office_bits(lambda k, n: click_to_run.get((k, n))) == 32
    assert bitness.office_bits(lambda k, n: msi.get((k, n))) == 64
    assert bitness.office_bits(lambda k, n: None) is None
    out = subprocess.run([sys.executable, "-m", "xladdin.excel.bitness"], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.startswith("位数检查：") and "没有找到 Excel" in out.stdout


@pytest.mark.slow
def test_the_readmes_first_command_works_as_written(bundle: Path, tmp_path: Path) -> None:
    """README's first set-up command, run verbatim in a copy of the repository with a python3
    whose system site refuses pip (it makes its own .venv). Packages come from the bundle (and a
    setuptools wheel for the editable build), so the test needs no network either."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## 快速开始", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    first = next(line for line in block.splitlines() if line.strip() and not line.startswith("#"))
    assert first.startswith("python3 -m venv .venv && ")
    assert not re.search(r"pip install (-U )?xladdin", readme)  # no index has it
    repo = tmp_path / "xladdin"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        src, dst = ROOT / name, repo / name
        if not src.exists() and not src.is_symlink():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
    build_wheels = tmp_path / "build"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d", str(build_wheels),
                    "setuptools>=70.1"], check=True, capture_output=True)
    env = offline_env(tmp_path)
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=f"{bundle / WHEELS} {build_wheels}")
    done = subprocess.run(["bash", "-c", first], cwd=repo, env=env, capture_output=True, text=True, timeout=1200,
                          check=False)
    assert done.returncode == 0, (done.stdout[-1500:], done.stderr[-1500:])
    assert "完成：通过" in done.stdout and (repo / ".venv" / "bin" / "xladdin").exists()
