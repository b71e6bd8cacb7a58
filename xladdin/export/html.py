"""HTML export: one self-contained page (semantic headings, the official tables with
rowspan/colspan, print CSS for A4) or a fragment to paste into a government website CMS.

The fragment has no <html>/<head>; its CSS is scoped to .xladdin-report and the table borders
are also inline, so the tables stay readable when a CMS strips <style>. Table labels, the title
and headings break only between words (wordbreak.label_html: <wbr> under word-break: keep-all);
narrow group labels are set vertically; URLs break only after "/" or ".".
"""

from __future__ import annotations

from html import escape
from importlib import resources
from pathlib import Path

from ..fileio import atomic_write
from ..report import Report
from ..spec.layout import GridCell
from . import content as C
from .wordbreak import label_html, text_html

ROOT_CLASS = "xladdin-report"
_INLINE_CELL = "border:1px solid #000;padding:2px;text-align:center;vertical-align:middle"
_INLINE_TABLE = "border-collapse:collapse;width:100%;table-layout:fixed"
_INLINE_LABEL = ";word-break:keep-all;overflow-wrap:anywhere"  # break at the <wbr> between words
_INLINE_VERTICAL = ";writing-mode:vertical-rl"


def stylesheet() -> str:
    return resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def _attr(**attrs: object) -> str:
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(str(v), quote=True)}"'
        for k, v in attrs.items()
        if v not in (None, "")
    )


def _cell(cell: GridCell, text: str, inline: bool, vertical: bool = False) -> str:
    """One <td>/<th>; `vertical`: the label is set top to bottom."""
    span = {"colspan": cell.colspan if cell.colspan > 1 else None, "rowspan": cell.rowspan if cell.rowspan > 1 else None}
    if cell.role == "value":
        return f"<td{_attr(**span, data_key=cell.key, style=_INLINE_CELL if inline else None)}>{escape(text)}</td>"
    classes = {"header": "header", "title": "title", "label": "label"}[cell.role]
    scope = None
    if cell.role in ("header", "title"):
        scope = "colgroup" if cell.colspan > 1 else "col"
    elif cell.role == "label":
        scope = "rowgroup" if cell.rowspan > 1 else "row"
        if cell.rowspan > 1:
            classes += " group"
    if vertical:
        classes += " vertical"
    style = None
    if inline:
        style = _INLINE_CELL + _INLINE_LABEL + (";text-align:left" if cell.role == "label" and cell.rowspan == 1 else "")
        style += _INLINE_VERTICAL if vertical else ""
    return f"<th{_attr(**span, scope=scope, class_=classes, style=style)}>{label_html(cell.text)}</th>"


def table_html(block: C.TableBlock, inline: bool = False) -> str:
    g = block.grid
    widths = C.TABLE_COLUMNS_MM[block.key]
    total = sum(widths)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in widths)
    rows: dict[int, list[GridCell]] = {}
    for cell in g.cells:
        rows.setdefault(cell.row, []).append(cell)
    out = [f"<table{_attr(class_=f'xl-table {block.key}', style=_INLINE_TABLE if inline else None)}>"]
    out.append(f"<colgroup>{cols}</colgroup>")
    for r in range(g.rows):
        if r == 0 and g.header_rows:
            out.append("<thead>")
        if r == g.header_rows:
            out.append("<tbody>")
        cells = sorted(rows.get(r, []), key=lambda c: c.col)
        out.append("<tr>" + "".join(_cell(c, block.texts.get((c.row, c.col), ""), inline, C.vertical_label(block.key, c)) for c in cells) + "</tr>")
        if g.header_rows and r == g.header_rows - 1:
            out.append("</thead>")
    out.append("</tbody></table>")
    return "".join(out)


def _body(report: Report, inline: bool) -> list[str]:
    out: list[str] = []
    open_section = False
    for block in C.build(report):
        if isinstance(block, C.Title):
            lines = "<br>".join(label_html(line) for line in block.lines)
            out.append(f"<h1>{lines}</h1>")
        elif isinstance(block, C.Heading) and block.level == 1:
            if open_section:
                out.append("</section>")
            out.append(f'<section data-section="{block.section}">')
            open_section = True
            out.append(f"<h2>{label_html(block.text)}</h2>")
        elif isinstance(block, C.Heading):
            out.append(f"<h3>{label_html(block.text)}</h3>")
        elif isinstance(block, C.Paragraph):
            lead = f'<span class="lead">{text_html(block.lead)}</span>' if block.lead else ""
            out.append(f"<p>{lead}{text_html(block.text[len(block.lead):])}</p>")
        elif isinstance(block, C.TableBlock):
            # On a phone the wide tables scroll sideways inside this box, not the whole page.
            scroll = ' style="overflow-x:auto"' if inline else ""
            out.append(f'<div class="xl-scroll"{scroll}>{table_html(block, inline)}</div>')
        elif isinstance(block, C.Signature):
            if open_section:
                out.append("</section>")
                open_section = False
            out.append('<footer class="signature">')
            if block.agency:
                out.append(f'<p class="agency" style="padding-right:{block.agency_indent:g}em">{escape(block.agency)}</p>')
            if block.date:
                iso = report.meta.published.strip()
                date = escape(block.date)
                if block.date != iso:  # an ISO date was understood: mark it up for machines
                    date = f'<time datetime="{escape(iso, quote=True)}">{date}</time>'
                out.append(f'<p class="date" style="padding-right:{block.date_indent:g}em">{date}</p>')
            out.append("</footer>")
    if open_section:
        out.append("</section>")
    return out


def render_html(report: Report, fragment: bool = False) -> str:
    """The report as HTML: a complete page, or (fragment=True) a <div> to paste into a CMS."""
    css = stylesheet()
    body = "\n".join(_body(report, inline=fragment))
    if fragment:
        # The host page owns printing: a fragment carries no global @page rule.
        css = "\n".join(line for line in css.splitlines() if not line.startswith("@page"))
        return f'<div class="{ROOT_CLASS}" lang="zh-CN">\n<style>\n{css}\n</style>\n{body}\n</div>\n'
    title = escape(report.meta.title)
    agency = escape(report.meta.agency, quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<meta name="author" content="{agency}">\n'
        '<meta name="generator" content="xladdin">\n'
        f"<style>\n{css}</style>\n</head>\n<body>\n"
        f'<article class="{ROOT_CLASS}">\n{body}\n</article>\n</body>\n</html>\n'
    )


def write_html(report: Report, path: str | Path, fragment: bool = False) -> Path:
    return atomic_write(path, render_html(report, fragment), make_dirs=True)
