"""Install benchmark (issue 19, "Measure"): the offline bundle's size per platform, core and
with the OCR extra, and the install size and time on this Linux machine for the core (a clerk)
and for xladdin[ocr] (the supervising office reading scans).

    python bench/install_bench.py [--platform P ...] [--python 3.11] [--keep 文件夹]

Builds one bundle with --ocr (needs the package registry), sizes each target's closure for
`xladdin` and `xladdin[ocr]`, then runs install.sh and install.sh --ocr into two fresh venvs
with no network (pip configuration ignored, a proxy that refuses every connection).
A platform without wheels for every dependency (win32: pandas, ortools) is reported as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xladdin.bundle import LINUX_SCRIPT, PLATFORMS, WHEELS, Target, build, closure, megabytes  # noqa: E402
from xladdin.errors import XladdinError  # noqa: E402


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def install(bundle: Path, home: Path, ocr: bool) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XLADDIN_HOME=str(home / "xladdin"), PIP_CONFIG_FILE=os.devnull,
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    started = time.perf_counter()
    subprocess.run(["bash", str(bundle / LINUX_SCRIPT)] + (["--ocr"] if ocr else []), env=env, check=True,
                   capture_output=True, cwd=home)
    return time.perf_counter() - started, folder_bytes(home / "xladdin" / "venv")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--platform", action="append", choices=PLATFORMS)
    ap.add_argument("--python", default=f"{sys.version_info.major}.{sys.version_info.minor}")
    ap.add_argument("--keep", type=Path, help="keep the bundle in this (new) folder")
    args = ap.parse_args()
    platforms = args.platform or list(PLATFORMS)
    with tempfile.TemporaryDirectory(prefix="install-bench-") as tmp:
        work = Path(tmp)
        print(f"{'平台':<20}{'核心':>12}{'含 [ocr]':>12}{'生成用时':>10}")
        linux_bundle = None
        for platform in platforms:
            out = work / platform
            try:
                bundle = build(out, [platform], [args.python], ocr=True)
            except XladdinError as exc:
                print(f"{platform:<20}无法生成：{exc}")
                continue
            target = Target(platform, args.python)
            names = sorted(p.name for p in (out / WHEELS).glob("*.whl"))
            core, _ = closure(out / WHEELS, names, target, "xladdin")
            full, _ = closure(out / WHEELS, names, target, "xladdin[ocr]")
            print(f"{platform:<20}{megabytes(bundle.size(core)):>12}{megabytes(bundle.size(full)):>12}"
                  f"{bundle.seconds:>9.0f}s")
            if platform == "manylinux_x86_64":
                linux_bundle = out
        if linux_bundle is not None:
            print()
            print(f"{'本机安装（无网络）':<20}{'用时':>10}{'venv 大小':>12}")
            for ocr in (False, True):
                home = work / ("home-ocr" if ocr else "home-core")
                home.mkdir()
                seconds, size = install(linux_bundle, home, ocr)
                print(f"{'xladdin[ocr]' if ocr else 'xladdin（核心）':<20}{seconds:>9.1f}s{megabytes(size):>12}")
        if args.keep:
            shutil.copytree(work, args.keep)


if __name__ == "__main__":
    main()
