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
    assert any(r.startswith("rapidocr-onnxruntime") for r in project["optional-dependencies"]["ocr"])


def test_a_clerks_commands_never_import_ocr(tmp_path: Path) -> None:
    """fill, check, draft and export of a workbook run without touching the OCR stack."""
    example = ROOT / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
    code = (
        "import sys\n"
        "from xladdin.cli import main\n"
        f"main(['check', {str(example)!r}])\n"
        f"main(['draft', {str(example)!r}, '-o', {str(tmp_path / 'd.xlsx')!r}])\n"
        f"main(['export', {str(example)!r}, '-o', {str(tmp_path / 'r.docx')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('rapidocr_onnxruntime', 'onnxruntime', 'cv2'))\n"
        "print('OCR:', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}).stdout
    assert "OCR: []" in out


def test_a_scan_without_any_engine_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if the extra were not installed
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract either
    monkeypatch.delenv("XLADDIN_OCR", raising=False)
    ocr.engine.cache_clear()
    try:
        with pytest.raises(InputError) as caught:
            read_published(_image_pdf(tmp_path / "扫描件.pdf", 1))
        text = str(caught.value)
        assert "扫描件.pdf" in text and "文字识别" in text
        assert "xladdin[ocr]" in text and "安装.cmd ocr" in text and "tesseract-ocr-chi-sim" in text
        assert 'pip install -e ".[ocr]"' in text and 'pip install "xladdin' not in text  # no index has it
        monkeypatch.setenv("XLADDIN_OCR", "rapidocr")
        ocr.engine.cache_clear()
        with pytest.raises(InputError, match=r"RapidOCR：请安装文字识别组件 xladdin\[ocr\]（离线安装包"):
            ocr.engine()
    finally:
        ocr.engine.cache_clear()


def test_a_value_the_page_pass_missed_is_read_from_its_cell() -> None:
    """RapidOCR sometimes misses a lone "0" on a whole page (the total of one 表三 row of the
    seed's 200 dpi scan). A ruled cell with ink but no word is read again on its own; only a
    value is taken (a label is not pieced together twice), and an empty cell costs nothing."""
    from PIL import Image, ImageDraw, ImageFont
    from test_pdf_ocr import CJK_FONT

    im = Image.new("L", (900, 300), 255)
    d = ImageDraw.Draw(im)
    for y in (20, 140, 260):
        d.line((20, y, 880, y), fill=0, width=3)
    for x in (20, 300, 580, 880):
        d.line((x, 20, x, 260), fill=0, width=3)
    font = ImageFont.truetype(CJK_FONT, 40)
    d.text((60, 55), "无法提供", font=font, fill=0)
    d.text((420, 55), "12", font=font, fill=0)
    d.text((700, 55), "0", font=font, fill=0)
    d.text((420, 175), "0", font=font, fill=0)  # the row's last cell stays empty
    eng = ocr.engine("rapidocr")
    words = [w for w in eng.words(im) if w.text.strip()]
    assert {"无法提供", "12"} <= {w.text for w in words}
    segments = ocr.ruling_lines(im, words)
    calls: list[tuple[int, int]] = []

    class Counting:
        name = eng.name

        def words(self, image):  # type: ignore[no-untyped-def]
            calls.append(image.size)
            return eng.words(image)

    cells = {"12": (300, 20, 580, 140), "0a": (580, 20, 880, 140), "0b": (300, 140, 580, 260)}

    def inside(w, box) -> bool:  # type: ignore[no-untyped-def]
        return box[0] < w.x0 < w.x1 < box[2] and box[1] < w.top < w.bottom < box[3]

    whole = words + ocr.reread_cells(im, words, segments, Counting())
    for name, box in cells.items():  # every value, once, in its cell (the page pass may miss a "0")
        assert [w.text for w in whole if inside(w, box)] == [name[:-1] if name.startswith("0") else name]
    assert not [w for w in whole if inside(w, (580, 140, 880, 260))]  # the empty cell stays empty
    calls.clear()
    missed = [w for w in whole if w.text not in ("12", "无法提供")]
    found = ocr.reread_cells(im, missed, segments, Counting())
    assert [w.text for w in found] == ["12"]  # the label is ink too, but not a value
    assert inside(found[0], cells["12"])
    assert len(calls) == 2  # the two cells with ink left over, not the others
