"""Old Word (.doc), WPS, RTF and ODF text documents: converted to .docx by LibreOffice
(headless, a private profile per call, a timeout), then read like any .docx."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from ..processes import run_in_group

CONVERTIBLE = {".doc", ".wps", ".rtf", ".odt"}
TIMEOUT = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path, workdir: Path) -> Path:
    """Convert `path` into `workdir` and return the .docx; InputError when that fails."""
    exe = soffice()
    if exe is None:
        raise InputError(f"读取 {path.suffix} 文件需要 LibreOffice（soffice），请安装后重试，或另存为 .docx", path=str(path))
    profile = Path(tempfile.mkdtemp(prefix="xladdin-lo-"))
    try:
        done = run_in_group(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
             "--convert-to", "docx", "--outdir", str(workdir), str(path)],
            {**os.environ, "HOME": str(profile)}, TIMEOUT,
        )  # fmt: skip
        if done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, done.args)
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"LibreOffice 转换超时（{TIMEOUT} 秒），已终止", path=str(path)) from exc
    except (subprocess.CalledProcessError, OSError) as exc:
        raise InputError("LibreOffice 无法转换此文件：文件可能已损坏，或不是 Word/WPS 文档", path=str(path)) from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = workdir / (path.stem + ".docx")
    if not out.exists():
        raise InputError("LibreOffice 未能把此文件转换为 .docx（文件可能已损坏）", path=str(path))
    return out
