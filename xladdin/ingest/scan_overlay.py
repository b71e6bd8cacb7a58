"""`xladdin import scan.pdf --overlay 核对.pdf`: the scanned pages as read (straightened), every
table cell that was read boxed and labelled with its value — green a number, blue a printed
blank, red 待核 (with its candidate readings) — so a reviewer checks a scan in seconds.

The overlay is written atomically. An existing file at its path is replaced only when it is an
overlay xladdin wrote (its PDF keywords carry OVERLAY_MARK), or with --force; never the scan
itself, never a read-only file (io.outputs.claim).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import OutputError
from ..fileio import atomic_write
from ..values import Doubt, format_value, is_absent, is_number

OVERLAY_MARK = "xladdin-output:scan-overlay"
GREEN, BLUE, RED, GREY = (0, 140, 60), (30, 90, 220), (220, 30, 30), (150, 150, 150)
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def label(value: object) -> tuple[str, tuple[int, int, int]]:
    """What a cell's box says, and its colour."""
    if isinstance(value, Doubt):
        cands = "/".join(format_value(r) for r in value.readings[:4])
        return (f"待核 {cands}" if cands else "待核"), RED
    if value is None:
        return "空白", BLUE
    if is_absent(value):
        return "未印出", GREY
    if is_number(value):
        return format_value(value), GREEN  # type: ignore[arg-type]
    return f"文字“{value}”", RED


def is_overlay(path: str | Path) -> bool:
    """An overlay PDF written by xladdin (its keywords carry OVERLAY_MARK)."""
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            return OVERLAY_MARK in (doc.get_metadata_dict().get("Keywords") or "")
        finally:
            doc.close()
    except Exception:  # noqa: BLE001 - unreadable or not a PDF: not ours
        return False


def check_target(output: str | Path, scan: str | Path, force: bool = False) -> None:
    """OutputError before any OCR when `output` may not be written (io.outputs.claim, the one
    rule for outputs): never the scan itself nor a read-only file; an existing file only with
    --force, except an overlay of ours, which holds nothing the user made."""
    from ..io.outputs import claim

    out = Path(output)
    option = "核对文件（--overlay）"
    if out.suffix.lower() != ".pdf":
        raise OutputError(f"{option}应为 .pdf 文件", path=str(out))
    claim(out, [scan], force=force or (out.is_file() and is_overlay(out)), option=option)


def write_overlay(result, output: str | Path) -> Path:  # type: ignore[no-untyped-def]
    """Draw the read cells of a scan_result (read_scan(..., keep_pages=True)) and write the PDF."""
    from PIL import Image, ImageDraw

    report = result.report
    by_page: dict[int, list[tuple[str, tuple[int, int, int, int]]]] = {}
    for key, (page, box) in result.cells.items():
        by_page.setdefault(page, []).append((key, box))
    images = []
    dpi = 150.0
    for sp in result.pages:
        if sp.prepared is None:
            continue
        dpi = sp.prepared.dpi
        im = Image.fromarray(sp.prepared.gray).convert("RGB")
        draw = ImageDraw.Draw(im)
        size = max(10, int(dpi * 0.09))
        font = _font(size)
        for pt in sp.tables:  # every grid cell faintly, so a cell left unread shows too
            for c in pt.cells:
                draw.rectangle(c.cell.box, outline=GREY, width=1)
        for key, box in by_page.get(sp.number, []):
            text, colour = label(report.values.get(key))
            x0, y0, x1, y1 = box
            draw.rectangle((x0 + 2, y0 + 2, x1 - 2, y1 - 2), outline=colour, width=max(2, int(dpi / 75)))
            tw = draw.textlength(text, font=font)
            draw.rectangle((x0 + 3, y0 + 3, x0 + 5 + tw, y0 + 5 + size), fill=(255, 255, 255))
            draw.text((x0 + 4, y0 + 3), text, fill=colour, font=font)
        legend = f"第{sp.number}页  绿：读出的数  蓝：空白  红：待核（请与原件核对）  灰框：未对应到格式的格"
        draw.rectangle((0, 0, im.width, size * 2), fill=(255, 255, 240))
        draw.text((size, size // 2), legend, fill=(0, 0, 0), font=font)
        images.append(im)
    if not images:
        raise OutputError("没有可绘制的扫描页", path=str(output))

    def save(tmp: Path) -> None:
        images[0].save(
            tmp, format="PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=80,
            title="扫描件读取核对", creator="xladdin", keywords=OVERLAY_MARK,
        )  # fmt: skip

    return atomic_write(output, save)
