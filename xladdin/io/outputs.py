"""The one rule for every output a command writes: what an existing file at that path may be.

- A name the user did not give (fill's “-已填充”, export's and import's names beside the input,
  everything `demo` writes) never replaces anything: `free_name` picks “名称-2”, “名称-3”… and
  the command prints the name it used.
- A path the user gave (`-o`, `--xlsx`) that names an existing file is refused with a Chinese
  message unless `--force`, with two exceptions that hold nothing the user made: an xladdin
  output of the same kind (the findings workbook of `check --xlsx`, `audit --xlsx`, `rollup -o`:
  stamped with the custom document property `xladdin-output`), and, for `template`, a blank
  template. An input of the run is never replaced, not even with `--force`; nor is a
  read-only file (fileio.refuse_read_only).
- A symbolic link is written through: the file it points at is judged by this rule and
  replaced, the link stays (fileio.atomic_write).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import OutputError

MARK = "xladdin-output"
WRITTEN = "xladdin-written"  # when this output was written (to the microsecond): each run's own
KINDS = {"findings": "审核结果（问题清单）", "audit": "批量审核结果", "rollup": "汇总年报"}
# Kinds of our own outputs that hold nothing a user typed: replaced without --force.
REPLACEABLE = set(KINDS)
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
# Outputs written before the mark existed are known by their sheets.
LEGACY_SHEETS = {
    "findings": ("概况", "审核结果", "涉及单元格"),
    "audit": ("汇总", "明细"),
    "rollup": ("汇总来源", "汇总明细"),
}
FORCE_HINT = "请另指定输出文件，或加 --force 替换它"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def mark(wb: Any, kind: str) -> None:
    """Stamp an openpyxl workbook (normal or write-only) as an xladdin output of `kind`, and
    when it was written (a rerun writes a workbook distinguishable from the last one)."""
    from datetime import datetime

    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for prop in list(props):
        if prop.name in (MARK, WRITTEN):
            props.props.remove(prop)
    props.append(StringProperty(name=MARK, value=kind))
    props.append(StringProperty(name=WRITTEN, value=datetime.now().astimezone().isoformat(timespec="microseconds")))


def output_kind(path: str | Path) -> str | None:
    """The kind of xladdin output `path` is, or None (not one, or unreadable)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if CUSTOM_PART in names and zf.getinfo(CUSTOM_PART).file_size < 1_000_000:
                root = etree.fromstring(zf.read(CUSTOM_PART), _PARSER)
                for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
                    if prop.get("name") == MARK:
                        text = "".join(prop.itertext()).strip()
                        return text if text in KINDS else None
            from .parts import workbook_part

            sheets = list(workbook_part(zf)[0])
    except Exception:  # noqa: BLE001 - whatever it is, it is not an output of ours
        return None
    for kind, wanted in LEGACY_SHEETS.items():
        if kind == "rollup" and all(s in sheets for s in wanted):
            return kind
        if tuple(sheets) == wanted:
            return kind
    return None


def is_blank_template(path: str | Path) -> bool:
    """A template workbook holding nothing typed: no metadata, narrative, cell or 说明."""
    try:
        from ..load import load_report_fast

        report = load_report_fast(path)
    except Exception:  # noqa: BLE001 - unreadable as a report: not a blank template
        return False
    meta = report.meta
    typed = [getattr(meta, f) for f in meta.__dataclass_fields__]
    return (
        not any(typed)
        and not any(t.strip() for t in report.sections.values())
        and all(v is None for v in report.values.values())
        and not any(t.strip() for t in report.explanations.values())
    )


def claim(
    output: str | Path,
    inputs: list[str | Path] | tuple[str | Path, ...] = (),
    *,
    kind: str | None = None,
    force: bool = False,
    option: str = "输出文件",
) -> Path:
    """Check, before anything is computed or written, that `output` (a path the user gave)
    may be written; OutputError in Chinese otherwise. `kind` names what the command writes
    ("findings", "audit", "rollup", "template", or None for a report workbook or a document),
    `force` is the command's --force. Returns `output`."""
    from ..fileio import refuse_read_only

    out = Path(output)
    if out.is_dir():
        raise OutputError(f"{option}是一个文件夹，请给出文件名", path=str(out))
    if not out.exists():
        return out
    refuse_inputs(out, inputs, option)
    refuse_read_only(out.resolve())
    if force:
        return out
    if kind in REPLACEABLE:
        if output_kind(out) == kind:
            return out
        raise OutputError(
            f"{option}已存在，且不是 xladdin 写出的{KINDS[kind]}工作簿（可能是一份年报或他人的文件），"
            f"为免覆盖已停止；{FORCE_HINT}",
            path=str(out),
        )
    if kind == "template" and is_blank_template(out):
        return out
    raise OutputError(f"{option}已存在（{_what(out)}），为免覆盖已停止；{FORCE_HINT}", path=str(out))


def refuse_inputs(output: str | Path, inputs: list[str | Path] | tuple[str | Path, ...], option: str = "输出文件") -> None:
    """OutputError when `output` is one of the run's inputs (also through a link): an exported
    page must never land on the report it was made from, whatever --force says."""
    from .safety import same_file

    out = Path(output)
    if not out.exists():
        return
    for src in inputs:
        if Path(src).exists() and same_file(out, src):
            raise OutputError(f"{option}就是输入文件“{src}”，写出会覆盖它；请另指定输出文件", path=str(out))


def _what(path: Path) -> str:
    """What an existing file is, in a few Chinese words, for the refusal."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        kind = output_kind(path)
        if kind:
            return f"xladdin 写出的{KINDS[kind]}"
        return "一个工作簿，可能是已填写的年报"
    return {".docx": "一份 Word 文档", ".html": "一个网页", ".htm": "一个网页", ".md": "一个 Markdown 文件",
            ".pdf": "一份 PDF"}.get(suffix, "一个已有的文件")


def free_name(folder: Path, stem: str, ext: str, taken: list[Path] | None = None) -> Path:
    """folder/stem+ext, or stem-2, stem-3…: a name the user did not give never replaces a file
    already there (last year's export may have been edited by hand) nor one of `taken`.
    A dangling symbolic link counts as taken."""
    taken = taken or []
    target, n = folder / f"{stem}{ext}", 2
    while target in taken or target.exists() or target.is_symlink():
        target = folder / f"{stem}-{n}{ext}"
        n += 1
    return target


def refuse_replacing(
    output: str | Path, inputs: list[str | Path], option: str = "输出文件", kind: str | None = None,
    force: bool = False,
) -> None:
    """`claim` for callers that only guard inputs (kind None and no --force: an existing
    output is refused as well)."""
    claim(output, inputs, kind=kind, force=force, option=option)
