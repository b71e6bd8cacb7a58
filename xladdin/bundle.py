"""The offline installer (`xladdin bundle`): a folder to carry on a USB stick to a PC with no
internet and no admin rights.

    离线安装包/
      wheels/        xladdin's own wheel and a wheel of every dependency, for each platform
                     and Python version asked for (one folder: pip picks what fits)
      安装.cmd        Windows: a per-user venv, pip --no-index --find-links, addin install
      install.sh     Linux: the same (no Excel there: the command line only)
      安装说明.txt    the steps in Chinese, Mark-of-the-Web and Trusted Location included
      清单.json       what was bundled: wheels per platform and Python, sizes

The wheels are fetched with `pip download --only-binary :all:` for each platform (the machine
building the bundle needs the package registry; the PC installing it needs nothing). A
dependency published only as source (jieba) is built into a wheel here, and kept only when that
wheel is pure Python (runs anywhere). Before anything is written the output folder must be new
or empty, and at the end every requirement is resolved from the bundle alone (`pip install
--dry-run --no-index`), per platform and Python version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, OutputError

PLATFORMS = ("win_amd64", "win32", "manylinux_x86_64", "manylinux_aarch64")
DEFAULT_PLATFORMS = ("win_amd64",)
DEFAULT_PYTHONS = ("3.11", "3.12")
WHEELS = "wheels"
MANIFEST = "清单.json"
GUIDE = "安装说明.txt"
WINDOWS_SCRIPT = "安装.cmd"
LINUX_SCRIPT = "install.sh"
# Linux wheels: glibc 2.17 (manylinux2014) up to 2.28 (Debian 10, Ubuntu 18.10, RHEL 8, UOS,
# Kylin V10 and later), newest first so pip prefers the newest build that still fits.
GLIBC_MINORS = range(28, 16, -1)
PIP_TIMEOUT = 1800  # seconds for one pip run (a platform's ~100 MB of wheels)


@dataclass
class Target:
    platform: str  # as the user names it: win_amd64, manylinux_x86_64 …
    python: str  # "3.11"

    @property
    def tags(self) -> list[str]:
        """pip's --platform values for this platform."""
        if self.platform.startswith("manylinux_"):
            arch = self.platform.removeprefix("manylinux_")
            tags = [f"manylinux_2_{m}_{arch}" for m in GLIBC_MINORS] + [f"manylinux2014_{arch}"]
            if arch == "x86_64":
                tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
            return tags
        return [self.platform]

    @property
    def label(self) -> str:
        return f"{self.platform}-py{self.python}"

    @property
    def markers(self) -> dict[str, str]:
        """The environment markers of the target machine: pip evaluates a dependency's marker
        (pywin32; platform_system == "Windows") on the machine it runs on, not the target."""
        windows = self.platform.startswith("win")
        machine = {"win_amd64": "AMD64", "win32": "x86", "manylinux_x86_64": "x86_64",
                   "manylinux_aarch64": "aarch64"}[self.platform]
        return {
            "os_name": "nt" if windows else "posix", "sys_platform": "win32" if windows else "linux",
            "platform_system": "Windows" if windows else "Linux", "platform_machine": machine,
            "python_version": self.python, "python_full_version": f"{self.python}.0",
            "implementation_name": "cpython", "implementation_version": f"{self.python}.0",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": "",
        }

    def supports(self, wheel: str) -> bool:
        """Whether a wheel file name's tags run on this target."""
        from packaging.tags import compatible_tags, cpython_tags
        from packaging.utils import parse_wheel_filename

        major, minor = (int(x) for x in self.python.split("."))
        supported = set(cpython_tags((major, minor), platforms=self.tags))
        supported |= set(compatible_tags((major, minor), f"cp{major}{minor}", self.tags))
        return bool(parse_wheel_filename(wheel)[3] & supported)


@dataclass
class Bundle:
    folder: Path
    version: str
    ocr: bool
    targets: list[Target]
    files: dict[str, list[str]] = field(default_factory=dict)  # target label -> wheel names
    built: list[str] = field(default_factory=list)  # wheels built here from source (pure Python)
    seconds: float = 0.0

    def size(self, names: list[str] | set[str]) -> int:
        return sum((self.folder / WHEELS / n).stat().st_size for n in names)

    def platform_files(self, platform: str) -> set[str]:
        return {n for t in self.targets if t.platform == platform for n in self.files[t.label]}

    def manifest(self) -> dict:
        return {
            "xladdin": self.version,
            "ocr": self.ocr,
            "pythons": sorted({t.python for t in self.targets}),
            "platforms": {
                p: {"bytes": self.size(self.platform_files(p)), "wheels": sorted(self.platform_files(p))}
                for p in dict.fromkeys(t.platform for t in self.targets)
            },
            "targets": {label: sorted(names) for label, names in self.files.items()},
            "built_here": self.built,
        }


Log = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def source_tree() -> Path:
    """The checkout xladdin runs from (its wheel is built from it)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "pyproject.toml").is_file() or not (root / "xladdin" / "__init__.py").is_file():
        raise InputError("xladdin bundle 需要在 xladdin 的源码目录中运行（找不到 pyproject.toml），"
                         "请从源码安装（pip install -e .）后再生成离线安装包")
    return root


def check_targets(platforms: list[str], pythons: list[str]) -> list[Target]:
    bad = [p for p in platforms if p not in PLATFORMS]
    if bad:
        raise InputError(f"不支持的平台：{'、'.join(bad)}（可选：{'、'.join(PLATFORMS)}）")
    for v in pythons:
        if not re.fullmatch(r"3\.(1[1-9]|[2-9]\d)", v):
            raise InputError(f"Python 版本应写作 3.11、3.12 这样的形式（xladdin 需要 3.11 或更高），收到“{v}”")
    return [Target(p, v) for p in dict.fromkeys(platforms) for v in dict.fromkeys(pythons)]


def check_output(folder: Path) -> None:
    """A new or empty folder: a bundle never lands among other files."""
    if folder.exists() and not folder.is_dir():
        raise OutputError("输出路径是一个文件，请给出文件夹", path=str(folder))
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError("输出文件夹已存在且不是空的，为免覆盖其中的文件已停止；请指定新的文件夹", path=str(folder))


def pip_env(isolated: bool) -> dict[str, str]:
    """The environment of a pip run; `isolated`: no configuration file and no PIP_* variable,
    so only what the command line says counts (the bundle alone, nothing of this machine's)."""
    env = dict(os.environ)
    if isolated:
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def pip(args: list[str], isolated: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=pip_env(isolated), cwd=cwd,
                          timeout=PIP_TIMEOUT, check=False)


def build_own_wheel(root: Path, out: Path) -> Path:
    """xladdin's wheel, built from a clean copy of the tree (setuptools writes build/ and
    *.egg-info/ beside the sources; the symlinked examples and macros are copied as files)."""
    with tempfile.TemporaryDirectory(prefix="xladdin-src-") as tmp:
        src = Path(tmp) / "xladdin-src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, src / name)
        shutil.copytree(root / "xladdin", src / "xladdin", symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        args = ["wheel", "--no-deps", "-w", str(out), str(src)]
        if _setuptools_here():
            args.insert(1, "--no-build-isolation")  # no registry needed to build our own wheel
        done = pip(args)
        if done.returncode != 0:
            raise OutputError(f"无法构建 xladdin 的 wheel：{_pip_error(done)}")
    wheels = sorted(out.glob("xladdin-*.whl"))
    if not wheels:
        raise OutputError("构建 xladdin 的 wheel 后找不到生成的文件")
    return wheels[-1]


def _setuptools_here() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major = int(setuptools.__version__.split(".")[0])
    return major >= 68  # pyproject.toml's build requirement


def _pip_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip().startswith("ERROR")]
    return "；".join(lines[-3:]) or (done.stderr or done.stdout).strip()[-300:]


def requirements_of(wheel: Path) -> tuple[str, str, list[str]]:
    """(name, version, Requires-Dist lines) from a wheel's METADATA."""
    import zipfile
    from email.parser import HeaderParser

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        headers = HeaderParser().parsestr(zf.read(meta).decode("utf-8", "replace"))
    return headers["Name"], headers["Version"], headers.get_all("Requires-Dist") or []


def closure(folder: Path, names: list[str], target: Target, root: str) -> tuple[list[str], list[str]]:
    """(the wheels `root` needs on `target`, the requirements no wheel in `folder` meets),
    following every Requires-Dist with its marker evaluated for the target."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    wheels: dict[str, list[tuple[str, str, list[str]]]] = {}
    for name in names:
        if target.supports(name):
            dist, version, requires = requirements_of(folder / name)
            wheels.setdefault(canonicalize_name(dist), []).append((name, version, requires))
    needed: list[str] = []
    missing: list[str] = []
    todo = [Requirement(root)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        found = next((w for w in wheels.get(key[0], []) if req.specifier.contains(w[1], prereleases=True)), None)
        if found is None:  # without its marker: pip would judge it for this machine again
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            missing.append(f"{req.name}{extras}{req.specifier}")
            continue
        if key in seen:
            continue
        seen.add(key)
        if found[0] not in needed:
            needed.append(found[0])
        for line in found[2]:
            dep = Requirement(line)
            envs = [dict(target.markers, extra=e) for e in (req.extras or {""})]
            if dep.marker is None or any(dep.marker.evaluate(env) for env in envs):
                todo.append(dep)
    return sorted(needed), sorted(set(missing))


MISSING = re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?(?:[<>=!~][^\s]*)?)")


def download(target: Target, requirements: list[str], dest: Path, local: Path, log: Log) -> list[str]:
    """Every wheel `requirements` need on `target`, into `dest`: pip's download, then what the
    target's own markers add (Windows-only dependencies), to the closure."""
    tried: set[str] = set()
    wanted = list(requirements)
    while True:
        fetch(target, wanted, dest, local, log)
        names = sorted(p.name for p in dest.glob("*.whl"))
        needed: list[str] = []
        missing: list[str] = []
        for req in requirements:
            got, lost = closure(dest, names, target, _requirement_text(req, dest))
            needed += [n for n in got if n not in needed]
            missing += lost
        if not missing:
            return needed  # pip's extras for the building machine's markers are left out
        if set(missing) <= tried:
            raise OutputError(f"{target.platform}（Python {target.python}）缺少满足 {'、'.join(missing)} 的 wheel")
        tried |= set(missing)
        log(f"  {target.platform} 另需：{'、'.join(missing)}")
        wanted = missing


def _requirement_text(requirement: str, dest: Path) -> str:
    """A requirement as a name: a wheel file given by path becomes its project name (extras kept)."""
    path, _, extras = requirement.partition("[")
    if path.endswith(".whl"):
        name = requirements_of(Path(path) if Path(path).is_file() else dest / Path(path).name)[0]
        return name + (f"[{extras}" if extras else "")
    return requirement


def fetch(target: Target, requirements: list[str], dest: Path, local: Path, log: Log) -> None:
    """pip download into `dest`; a dependency published only as source is built here into
    `local` (pure Python only) and the download tried again."""
    tried: set[str] = set()
    while True:
        args = ["download", "--dest", str(dest), "--only-binary", ":all:", "--python-version", target.python,
                "--implementation", "cp", "--find-links", str(local), "--progress-bar", "off"]
        for tag in target.tags:
            args += ["--platform", tag]
        done = pip(args + requirements)
        if done.returncode == 0:
            return
        m = MISSING.search(done.stderr + done.stdout)
        if not m or m.group(1) in tried:
            raise OutputError(f"{target.platform}（Python {target.python}）缺少可用的 wheel：{_pip_error(done)}")
        tried.add(m.group(1))
        log(f"  {m.group(1)} 只有源码包，在本机构建为 wheel")
        build_pure_wheel(m.group(1), local, target)


def build_pure_wheel(requirement: str, local: Path, target: Target) -> Path:
    before = set(local.glob("*.whl"))
    done = pip(["wheel", "--no-deps", "-w", str(local), requirement])
    new = sorted(set(local.glob("*.whl")) - before)
    if done.returncode != 0 or not new:
        raise OutputError(f"{requirement} 在 {target.platform} 上没有 wheel，本机也无法构建：{_pip_error(done)}")
    for wheel in new:
        if not wheel.name.endswith("-none-any.whl"):
            wheel.unlink()
            raise OutputError(f"{requirement} 没有 {target.platform} 平台的 wheel（本机得到的 {wheel.name} "
                              "只能用于本机这类平台），无法为该平台生成安装包")
    return new[0]


def verify(folder: Path, target: Target, requirement: str) -> None:
    """Resolve `requirement` from the bundle alone, as the PC will: no index, no configuration;
    then follow every dependency with the target's markers (pip's dry run evaluates them for
    this machine and would not miss pywin32 on Windows)."""
    names = sorted(p.name for p in (folder / WHEELS).glob("*.whl"))
    _, missing = closure(folder / WHEELS, names, target, requirement)
    if missing:
        raise OutputError(f"安装包在 {target.platform}（Python {target.python}）上缺少：{'、'.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="xladdin-dry-") as tmp:
        args = ["install", "--dry-run", "--ignore-installed", "--no-index", "--find-links", str(folder / WHEELS),
                "--only-binary", ":all:", "--python-version", target.python, "--implementation", "cp",
                "--target", tmp]
        for tag in target.tags:
            args += ["--platform", tag]
        done = pip(args + [requirement], isolated=True)
    if done.returncode != 0:
        raise OutputError(f"安装包在 {target.platform}（Python {target.python}）上不能解析全部依赖：{_pip_error(done)}")


def build(folder: str | Path, platforms: list[str] | None = None, pythons: list[str] | None = None,
          ocr: bool = False, log: Log = _quiet) -> Bundle:
    """Build the offline installer in `folder` (new or empty)."""
    from . import __version__

    started = time.monotonic()
    out = Path(folder)
    targets = check_targets(list(platforms or DEFAULT_PLATFORMS), list(pythons or DEFAULT_PYTHONS))
    check_output(out)
    root = source_tree()
    bundle = Bundle(out, __version__, ocr, targets)
    wheels = out / WHEELS
    try:
        wheels.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{exc.strerror}）", path=str(out)) from exc
    with tempfile.TemporaryDirectory(prefix="xladdin-bundle-") as tmp:
        work = Path(tmp)
        local = work / "built"
        local.mkdir()
        log("构建 xladdin 的 wheel")
        own = build_own_wheel(root, work / "own")
        requirement = f"{own}[ocr]" if ocr else str(own)
        for target in targets:
            log(f"下载 {target.platform}（Python {target.python}）的依赖")
            dest = work / target.label
            dest.mkdir()
            names = download(target, [requirement, "pip"], dest, local, log)
            for name in names:  # the target's closure: what pip fetched for this machine's markers is left out
                if not (wheels / name).exists():
                    shutil.copy2(dest / name, wheels / name)
            bundle.files[target.label] = names
        bundle.built = sorted(p.name for p in local.glob("*.whl"))
    for target in targets:
        log(f"核对 {target.platform}（Python {target.python}）：只用安装包解析全部依赖")
        verify(out, target, "xladdin[ocr]" if ocr else "xladdin")
    write_scripts(bundle)
    bundle.seconds = time.monotonic() - started
    (out / MANIFEST).write_text(json.dumps(bundle.manifest(), ensure_ascii=False, indent=2), encoding="utf-8")
    return bundle


def write_scripts(bundle: Bundle) -> None:
    from .bundle_scripts import guide, linux_script, windows_script

    pythons = sorted({t.python for t in bundle.targets})
    platforms = [t.platform for t in bundle.targets]
    out = bundle.folder
    # cmd.exe reads a batch file in the console's code page: GBK on Chinese Windows; CRLF ends.
    (out / WINDOWS_SCRIPT).write_bytes(windows_script(pythons, platforms, bundle.ocr).replace("\n", "\r\n").encode("gbk"))
    sh = out / LINUX_SCRIPT
    sh.write_text(linux_script(pythons, bundle.ocr), encoding="utf-8", newline="\n")
    sh.chmod(0o755)
    # Notepad on older Windows needs the BOM to read UTF-8.
    (out / GUIDE).write_bytes(b"\xef\xbb\xbf" + guide(bundle.version, pythons, platforms, bundle.ocr).replace("\n", "\r\n").encode("utf-8"))


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


__all__ = ["Bundle", "DEFAULT_PLATFORMS", "DEFAULT_PYTHONS", "PLATFORMS", "Target", "build", "megabytes"]
