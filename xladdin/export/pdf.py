"""PDF through LibreOffice headless: docx in, PDF out, many documents per soffice call.

Rules learnt the hard way (anchors.md §3.4): a private profile per process
(-env:UserInstallation; a shared one makes a second soffice fail silently), a timeout that kills
the whole process group, --norestore, and checking every PDF exists even when soffice exits 0.
Fonts: FONTCONFIG_FILE points at the alias file, so 仿宋_GB2312 & co. render with Noto CJK.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from ..errors import OutputError
from ..processes import run_in_group
from .fontconfig import conf_for
from .settings import ExportSettings

APT_PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai"
MISSING_MESSAGE = (
    "未找到 LibreOffice（soffice），无法生成 PDF。"
    f"请先安装：sudo apt-get install --no-install-recommends {APT_PACKAGES}"
    "（其他系统请安装 LibreOffice 并确保 soffice 在 PATH 中，或在导出设置中指定 soffice 路径）"
)
POLL_SECONDS = 0.25  # how often a running conversion reports progress
BATCH_SIZE = 40  # documents per soffice call; bounds one call's time and memory
PER_DOCUMENT_SECONDS = 15.0  # added to the timeout for each further document of a batch

_lock = threading.Lock()
_profile: Path | None = None


def find_soffice(settings: ExportSettings | None = None) -> str:
    """The soffice executable, or an OutputError naming the package to install."""
    configured = settings.soffice if settings else None
    candidates = [configured] if configured else ["soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice"]
    for name in candidates:
        found = shutil.which(name) if name else None
        if found:
            return found
    raise OutputError(MISSING_MESSAGE)


def _profile_dir() -> Path:
    """This process's LibreOffice profile: created once, reused (a warm profile starts faster),
    removed at exit."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix=f"xladdin-lo-{os.getpid()}-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _discard_profile() -> None:
    global _profile
    if _profile is not None:
        shutil.rmtree(_profile, ignore_errors=True)
        _profile = None


def _run(
    cmd: list[str], env: dict[str, str], timeout: float, tick: Callable[[], None] | None = None
) -> subprocess.CompletedProcess:
    """Run soffice (a script around oosplash/soffice.bin) in its own process group with a
    timeout; `tick()` is called about every POLL_SECONDS while it runs."""
    try:
        return run_in_group(cmd, env, timeout, tick=tick, poll=POLL_SECONDS)
    except subprocess.TimeoutExpired:
        _discard_profile()  # a killed soffice may leave a half-written profile behind
        raise OutputError(f"LibreOffice 转换 PDF 超时（{timeout:g} 秒），已终止。") from None


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods")


def pdf_filter(files: Sequence[Path]) -> str:
    """LibreOffice's PDF export filter for a batch: Calc's for workbooks, Writer's otherwise."""
    sheets = {f.suffix.lower() in SPREADSHEET_SUFFIXES for f in files}
    if len(sheets) > 1:
        raise ValueError("convert(): workbooks and documents need separate calls")
    return "pdf:calc_pdf_Export" if sheets == {True} else "pdf:writer_pdf_Export"


def convert(
    docx_files: Sequence[str | Path],
    out_dir: str | Path,
    settings: ExportSettings | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Convert .docx files (or workbooks: .xlsx, as printed) to PDF in `out_dir` (PDF named
    after each file's stem), in as few soffice calls as possible. Stems must be distinct.
    Returns the PDF paths in input order. `on_progress(done)`: PDFs finished so far (soffice
    writes them one after another)."""
    s = settings or ExportSettings()
    files = [Path(f).resolve() for f in docx_files]
    if len({f.stem for f in files}) != len(files):
        raise ValueError("convert(): file stems must be distinct")
    export_filter = pdf_filter(files)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    soffice = find_soffice(s)
    results: list[Path] = []
    with _lock:  # one soffice per profile at a time
        profile = _profile_dir()
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(conf_for(s, profile))
        env.setdefault("SAL_USE_VCLPLUGIN", "svp")
        for start in range(0, len(files), BATCH_SIZE):
            chunk = files[start : start + BATCH_SIZE]
            for f in chunk:  # a stale PDF must not pass for a fresh one
                (out / (f.stem + ".pdf")).unlink(missing_ok=True)
            cmd = [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                "--nologo",
                "--convert-to",
                export_filter,
                "--outdir",
                str(out),
                *map(str, chunk),
            ]
            tick = None
            if on_progress is not None:
                tick = partial(_report_done, on_progress, len(results), [out / (f.stem + ".pdf") for f in chunk])
            done = _run(cmd, env, s.timeout + PER_DOCUMENT_SECONDS * (len(chunk) - 1), tick)
            for f in chunk:
                pdf = out / (f.stem + ".pdf")
                if not _is_pdf(pdf):
                    detail = (done.stderr or b"").decode("utf-8", "replace").strip()[-400:]
                    raise OutputError(
                        f"LibreOffice 未能生成 PDF（退出码 {done.returncode}）"
                        + (f"：{detail}" if detail else "")
                        + "。请确认文档完好、磁盘有空间，并已安装 " + APT_PACKAGES,
                        path=str(f),
                    )
                results.append(pdf)
            if on_progress is not None:
                on_progress(len(results))
    return results


def _report_done(on_progress: Callable[[int], None], before: int, pdfs: list[Path]) -> None:
    on_progress(before + sum(1 for p in pdfs if p.exists()))


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-" and path.stat().st_size > 1000
    except OSError:
        return False
