"""OCR is the extra xladdin[ocr]: the core install (a clerk's) holds none of RapidOCR,
onnxruntime or OpenCV, runs without them, and a scan read without any OCR engine gets a
Chinese message naming the file and what to install."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from test_pdf_ocr import _image_pdf

from xladdin.errors import InputError
from xladdin.ingest import ocr, read_published

ROOT = Path(__file__).resolve().parents[1]
OCR_PACKAGES = ("rapidocr", "onnxruntime", "opencv")


def test_the_core_does_not_depend_on_ocr() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    assert not any(name in core for name in OCR_PACKAGES)
    extra = project["optional-dependencies"]["ocr"]
    assert all(any(r.startswith(name) for r in extra) for name in ("rapidocr>", "onnxruntime", "opencv"))


def test_a_clerks_commands_never_import_ocr(tmp_path: Path) -> None:
    """fill, check, draft and export of a workbook run without touching the OCR stack."""
    example = ROOT / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
    code = (
        "import sys\n"
        "from xladdin.cli import main\n"
        f"main(['check', {str(example)!r}])\n"
        f"main(['draft', {str(example)!r}, '-o', {str(tmp_path / 'd.xlsx')!r}])\n"
        f"main(['export', {str(example)!r}, '-o', {str(tmp_path / 'r.docx')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('rapidocr', 'rapidocr_onnxruntime', 'onnxruntime', 'cv2'))\n"
        "print('OCR:', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}).stdout
    assert "OCR: []" in out


def test_a_scan_without_any_engine_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: [])  # as if the extra were not installed
    monkeypatch.delenv("XLADDIN_OCR", raising=False)
    ocr.engine.cache_clear()
    try:
        with pytest.raises(InputError) as caught:
            read_published(_image_pdf(tmp_path / "扫描件.pdf", 1))
        text = str(caught.value)
        assert "扫描件.pdf" in text and "文字识别" in text
        assert "xladdin[ocr]" in text and "安装.cmd ocr" in text and "install.sh --ocr" in text
        assert 'pip install -e ".[ocr]"' in text and 'pip install "xladdin' not in text  # no index has it
        monkeypatch.setenv("XLADDIN_OCR", "rapidocr")
        ocr.engine.cache_clear()
        with pytest.raises(InputError, match=r"未安装文字识别引擎 rapidocr：请安装文字识别组件 xladdin\[ocr\]（离线安装包"):
            ocr.engine()
    finally:
        ocr.engine.cache_clear()
