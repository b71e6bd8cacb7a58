"""Writers used by the ingest tests: a Report as hand-made HTML, Word and plain text, built
directly with the libraries (not with xladdin.export), tables laid out from the spec's grids
with real rowspan/colspan and Word merges."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.spec.layout import grid
from xladdin.values import format_value


def cell_text(report: Report, key: str | None, text: str) -> str:
    if key is None:
        return text
    v = report.values.get(key)
    return "" if v is None else format_value(v)


def title_lines(report: Report) -> list[str]:
    return [report.meta.agency, f"{report.meta.year}年政府信息公开工作年度报告"]


def blocks(report: Report) -> list[tuple[str, str]]:
    """("p"|"h"|"table", text or table key) in document order."""
    out: list[tuple[str, str]] = [("p", t) for t in report.sections["preface"].split("\n") if t]
    for sec in SPEC.sections:
        out.append(("h", sec.title))
        for part in SPEC.parts:
            if part.section == sec.key:
                out += [("p", t) for t in report.sections.get(part.key, "").split("\n") if t]
        if sec.table:
            out.append(("table", sec.table))
    return out


def signature_date(report: Report) -> str:
    y, m, d = report.meta.published.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def to_html(report: Report, charset: str = "utf-8") -> bytes:
    parts = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
             "<title>年报</title><style>td{border:1px solid}</style></head><body><div class='article'>"]
    parts += [f"<h1>{html.escape(t)}</h1>" for t in title_lines(report)]
    for kind, body in blocks(report):
        if kind == "p":
            parts.append(f"<p>&nbsp;&nbsp;{html.escape(body)}</p>")
        elif kind == "h":
            parts.append(f"<p><strong>{html.escape(body)}</strong></p>")
        else:
            g = grid(SPEC.table(body))
            parts.append("<table border='1'><tbody>")
            for r in range(g.rows):
                row = [c for c in g.cells if c.row == r]
                tds = "".join(
                    f"<td rowspan='{c.rowspan}' colspan='{c.colspan}'><p>{html.escape(cell_text(report, c.key, c.text))}</p></td>"
                    for c in row
                )
                parts.append(f"<tr>{tds}</tr>")
            parts.append("</tbody></table>")
    parts.append(f"<p style='text-align:right'>{html.escape(report.meta.agency)}<br/>{signature_date(report)}</p>")
    parts.append("</div></body></html>")
    return "\n".join(parts).encode(charset)


def to_docx(report: Report, path: Path) -> Path:
    from docx import Document

    doc = Document()
    for t in title_lines(report):
        doc.add_paragraph(t)
    for kind, body in blocks(report):
        if kind in ("p", "h"):
            doc.add_paragraph(body)
            continue
        g = grid(SPEC.table(body))
        table = doc.add_table(rows=g.rows, cols=g.cols)
        table.style = "Table Grid"
        for c in g.cells:
            cell = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.text = cell_text(report, c.key, c.text)
    doc.add_paragraph(report.meta.agency)
    doc.add_paragraph(signature_date(report))
    doc.save(str(path))
    return path


def docx_to_pdf(docx: Path, outdir: Path) -> Path:
    """LibreOffice headless with a private profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required"
    profile = Path(tempfile.mkdtemp(prefix="lo-ingest-"))
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)},
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return outdir / (docx.stem + ".pdf")


def to_text(report: Report, sep: str = "\t") -> str:
    """Plain text with tables as separated rows (merged cells once, like a web page copied)."""
    lines = title_lines(report) + [""]
    for kind, body in blocks(report):
        if kind != "table":
            lines += [body, ""]
            continue
        g = grid(SPEC.table(body))
        for r in range(g.rows):
            row = [cell_text(report, c.key, c.text) for c in g.cells if c.row == r]
            lines.append(sep.join(row))
        lines.append("")
    lines += [report.meta.agency, signature_date(report)]
    return "\n".join(lines)


def to_split_markdown(report: Report) -> str:
    """Markdown as produced by document converters: a one-line title with spaces, the date under
    it, every group of table 三 as its own small table with placeholder headers (类别 | 数据1 …),
    table 四 as three tables, one per group."""
    from xladdin.spec.format2021 import T2_BLOCKS, T3_GROUPS, T3_ROWS, T4_GROUPS, T4_SUFFIXES

    def md_row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    def rule(n: int) -> str:
        return "|" + "---|" * n

    m = report.meta
    y, mo, d = m.published.split("-")
    out = [f"# {m.agency} {m.year} 年 政府信息公开工作年度报告", "", m.agency, f"({int(y)}年{int(mo)}月{int(d)}日)", ""]
    out += [t + "\n" for t in report.sections["preface"].split("\n")]
    for sec in SPEC.sections:
        out += [f"## {sec.title.split('（')[0]}", ""]
        for part in SPEC.parts:
            if part.section == sec.key:
                out += [t + "\n" for t in report.sections.get(part.key, "").split("\n") if t]
        if sec.table == "t2":
            for block in T2_BLOCKS:
                out += [f"### {block.title}", md_row(list(block.columns)), rule(len(block.columns))]
                for label, keys in block.rows:
                    out.append(md_row([label] + [cell_text(report, k, "") for k in keys]))
                out.append("")
        elif sec.table == "t3":
            out += ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", ""]
            head = md_row(["类别"] + [f"数据{i}" for i in range(1, 7)] + ["总计"])
            done: set[str] = set()
            for row, group, label in T3_ROWS:
                if row in done:
                    continue
                members = [(r, lb) for r, g, lb in T3_ROWS if group and g == group] or [(row, label)]
                out += [f"### {group or label}", head, rule(8)]
                for r, lb in members:
                    done.add(r)
                    out.append(md_row([lb] + [cell_text(report, f"t3.{r}.{c}", "") for c, _ in T3_COLS_]))
                out.append("")
            assert all(g in T3_GROUPS for g in T3_GROUPS)
        elif sec.table == "t4":
            for group, top, sub in T4_GROUPS:
                out += [f"### {top}" + (f"（{sub}）" if sub else ""), md_row([lb for _, lb in T4_SUFFIXES]), rule(5)]
                out.append(md_row([cell_text(report, f"t4.{group}_{s}", "") for s, _ in T4_SUFFIXES]))
                out.append("")
    out += [m.agency, f"{int(y)}年{int(mo)}月{int(d)}日"]
    return "\n".join(out)


from xladdin.spec.format2021 import T3_COLS as T3_COLS_  # noqa: E402


def scan_pdf(pdf: Path, out: Path, dpi: int = 200) -> Path:
    """The PDF as a scan would be: every page rendered to an image (pdftoppm), the images
    wrapped into an image-only PDF (Pillow) with no text layer."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        pngs = sorted(Path(tmp).glob("p-*.png"), key=lambda q: int(q.stem.split("-")[1]))
        images = [Image.open(q).convert("L") for q in pngs]
        images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out
