"""Pre-open checks: decide whether a path is a workbook we may hand to openpyxl or calamine.

Everything that can go wrong before parsing is caught here with one Chinese `InputError`
naming the file: missing path, folder, no permission, empty file, legacy .xls (BIFF), an
encrypted (password-protected) workbook, a file that is not a zip at all, a corrupt or
truncated zip, a zip that is not a spreadsheet, and hostile files (zip bombs, XML entity
declarations). Nothing here writes to the input.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, describe
from ..fileio import check_input

# Limits for a workbook of this report: the template is ~100 KB unzipped. Generous caps still
# stop a zip bomb before any XML is inflated.
MAX_ENTRIES = 2_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, all entries together
MAX_RATIO = 500  # uncompressed / compressed per entry (ordinary sheet XML is ~5-50)
RATIO_FLOOR = 10 * 1024 * 1024  # entries smaller than this are never "bombs"
CHUNK = 64 * 1024  # bytes read at a time while scanning an XML prolog

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# Name of the stream an encrypted OOXML file keeps inside its OLE container (UTF-16LE).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SPACE = b" \t\r\n"


def dtd_in_prolog(fh: BinaryIO) -> bool:
    """True when the XML prolog of the stream (everything before the root element: the
    declaration, comments, processing instructions, however long) holds a <!DOCTYPE or
    <!ENTITY. Streams that are not XML (images, vbaProject.bin) end the scan at once.
    Reads in chunks and keeps at most one chunk plus a few bytes in memory."""
    buf = fh.read(CHUNK)
    if buf.startswith(b"\xef\xbb\xbf"):
        buf = buf[3:]
    while True:
        buf = buf.lstrip(_SPACE)
        if len(buf) < 4:
            more = fh.read(CHUNK)
            if not more:
                return buf.startswith(b"<!") and not buf.startswith(b"<!--")
            buf += more
            continue
        if buf.startswith(b"<!--"):
            buf = _skip_past(fh, buf[4:], b"-->")
        elif buf.startswith(b"<?"):
            buf = _skip_past(fh, buf[2:], b"?>")
        elif buf.startswith(b"<!"):
            return True  # <!DOCTYPE, <!ENTITY (any case, any spacing)
        else:
            return False  # the root element, or not XML at all: the prolog is over
        if buf is None:
            return False  # the stream ended inside a comment: the parser will refuse it


def _skip_past(fh: BinaryIO, buf: bytes, end: bytes) -> bytes | None:
    """The data after the next `end`, reading on as needed; None at the end of the stream."""
    while True:
        i = buf.find(end)
        if i >= 0:
            return buf[i + len(end) :]
        more = fh.read(CHUNK)
        if not more:
            return None
        buf = buf[-(len(end) - 1) :] + more


@dataclass(frozen=True)
class WorkbookFile:
    """A path that passed the checks."""

    path: Path
    macros: bool  # has xl/vbaProject.bin
    entries: int
    uncompressed: int


def check_path(path: str | Path) -> Path:
    """The path exists, is a regular file, can be read and is not empty."""
    check_input(path)
    return Path(path)


def sniff(path: Path) -> str:
    """What the bytes say the file is: zip, ole, encrypted, html, text or unknown."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(OLE_MAGIC):
            # The OLE directory is small; the stream name sits within the first sectors
            # for encrypted OOXML. Read at most 1 MB to stay cheap on huge .xls files.
            fh.seek(0)
            return sniff_bytes(fh.read(1024 * 1024))
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str:
    """sniff() of the first bytes of a file (the first megabyte for an OLE file)."""
    if head.startswith(OLE_MAGIC):
        return "encrypted" if ENCRYPTED_STREAM in head[: 1024 * 1024] else "ole"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    text = head[:8].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doc", b"<?xml", b"<table", b"<meta", b"<head")):
        return "html"
    if head.startswith(b"%PDF"):
        return "pdf"
    return "unknown"


def refuse_kind(kind: str, p: Path) -> None:
    """InputError for any file that is not a zip package, in words the user can act on."""
    where = str(p)
    if kind == "encrypted":
        raise InputError(
            "工作簿设置了打开密码（已加密），无法读取。请在 Excel/WPS 中打开后于“文件 > 信息 > 保护工作簿”"
            "取消密码（或另存一份不加密的副本）再试",
            path=where,
        )
    if kind == "ole" and p.suffix.lower() in (".et", ".ett"):
        raise InputError(
            "这是 WPS 表格格式（.et），本工具不读取该格式。请在 WPS 中“另存为”Excel 工作簿（.xlsx）后再试",
            path=where,
        )
    if kind == "ole":
        raise InputError(
            "这是旧版 Excel 97-2003 格式（.xls），本工具不读取该格式。请在 Excel/WPS 中打开，"
            "“另存为”Excel 工作簿（.xlsx）后再试",
            path=where,
        )
    if kind == "html":
        raise InputError(
            "文件内容是网页/XML 文本而不是 Excel 工作簿（有些系统导出的“.xls”实为网页）。"
            "请在 Excel/WPS 中打开后另存为 .xlsx",
            path=where,
        )
    if kind == "pdf":
        raise InputError("文件内容是 PDF 而不是 Excel 工作簿", path=where)
    if kind != "zip":
        raise InputError("不是 Excel 工作簿（文件内容不是 .xlsx/.xlsm 格式）", path=where)


def check_workbook(path: str | Path) -> WorkbookFile:
    """All pre-open checks; returns facts about the zip or raises InputError."""
    p = check_path(path)
    refuse_kind(sniff(p), p)
    zf, facts = open_checked(p, p)
    zf.close()
    return facts


# A workbook up to this size is read into memory once: the checks, the sheet scans and calamine
# then share one copy of its bytes instead of opening the file three times.
MAX_IN_MEMORY = 16 * 1024 * 1024
KEEP_TOTAL = 16 * 1024 * 1024  # at most this many uncompressed bytes of XML parts are kept


class CheckedZip(zipfile.ZipFile):
    """A zip that passed the checks, keeping the XML parts it had to inflate for them (the
    prolog scan reads each part's beginning; a small part is read whole and kept), so that the
    readers do not inflate them again."""

    kept: dict[str, bytes]

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:  # type: ignore[override]
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        data = self.kept.get(key) if pwd is None else None
        return data if data is not None else super().read(name, pwd)


def open_checked(source: Path | BinaryIO, p: Path) -> tuple[CheckedZip, WorkbookFile]:
    """Open the zip at `source` (a path, or the file's bytes) and run every zip check on it:
    the open zip (the caller closes it) and the facts; InputError naming `p` for a damaged or
    hostile package."""
    where = str(p)
    zf: CheckedZip | None = None
    try:
        zf = CheckedZip(source)
        zf.kept = {}
        facts = _check_entries(zf, zf.infolist(), where, zf.kept)
        return zf, WorkbookFile(p, *facts)
    except BaseException as exc:
        if zf is not None:
            zf.close()
        if isinstance(exc, zipfile.BadZipFile):
            raise InputError("工作簿已损坏或不完整（压缩包结构错误），请重新获取文件", path=where) from exc
        if isinstance(exc, (OSError, EOFError, ValueError, zlib.error)):
            raise InputError(f"工作簿已损坏或不完整（{describe(exc)}），请重新获取文件", path=where) from exc
        raise


def check_package_entries(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    where: str,
    max_total: int | None = None,
    kept: dict[str, bytes] | None = None,
) -> int:
    """The checks every zip package (workbook, Word document) passes before a parser sees it:
    entry count, total and per-entry inflation (zip bombs), duplicate entry names, and no
    DOCTYPE/ENTITY in the prolog of any XML part. Returns the uncompressed total. `kept`: the
    small XML parts are read whole for the prolog scan and kept there (up to KEEP_TOTAL)."""
    max_total = MAX_UNCOMPRESSED if max_total is None else max_total
    seen: set[str] = set()
    for info in infos:  # part names are case-insensitive (OPC); Excel calls such files corrupt
        folded = info.filename.lower()
        if folded in seen:
            raise InputError(
                f"压缩包内有重名的条目“{info.filename}”，Excel 会认为文件已损坏；疑似被篡改，已拒绝", path=where
            )
        seen.add(folded)
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"压缩包内条目过多（{len(infos)} 个，上限 {MAX_ENTRIES}），疑似恶意文件，已拒绝", path=where)
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise InputError(
            f"解压后体积过大（{total // (1024 * 1024)} MB，上限 {max_total // (1024 * 1024)} MB），"
            "疑似“压缩炸弹”，已拒绝",
            path=where,
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"压缩包条目“{info.filename}”压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                "疑似“压缩炸弹”，已拒绝",
                path=where,
            )
    room = KEEP_TOTAL
    for info in infos:  # every XML part, whatever its name or case: the whole prolog
        if kept is not None and info.file_size <= room and info.filename.endswith((".xml", ".rels")):
            data = zf.read(info)
            kept[info.filename] = data
            room -= len(data)
            fh: BinaryIO = io.BytesIO(data)
        else:
            fh = zf.open(info)
        with fh:
            if dtd_in_prolog(fh):
                raise InputError(
                    f"部件“{info.filename}”含有 XML 文档类型/实体声明（DOCTYPE/ENTITY），"
                    "正常的 Office 文件不会有，疑似恶意文件，已拒绝",
                    path=where,
                )
    return total


def check_package(path: str | Path, kind: str, max_total: int | None = None) -> None:
    """check_package_entries for a zip file on disk (`kind`: "Word（.docx）"); InputError naming it."""
    where = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_package_entries(zf, zf.infolist(), where, max_total)
    except zipfile.BadZipFile as exc:
        raise InputError(f"文件已损坏，或不是有效的 {kind} 文件（压缩包结构错误），无法读取", path=where) from exc
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise InputError(f"文件已损坏，或不是有效的 {kind} 文件（{describe(exc)}），无法读取", path=where) from exc


def _check_entries(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], where: str, kept: dict[str, bytes] | None = None
) -> tuple[bool, int, int]:
    total = check_package_entries(zf, infos, where, kept=kept)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InputError("这是 Word 文档（.docx），不是 Excel 工作簿", path=where)
        if "ppt/presentation.xml" in names:
            raise InputError("这是 PowerPoint 演示文稿，不是 Excel 工作簿", path=where)
        if "content.xml" in names and "mimetype" in names:
            raise InputError("这是 OpenDocument 文件（.ods/.odt），请另存为 .xlsx 后再试", path=where)
        raise InputError("压缩包里没有 Excel 工作簿内容（缺少 xl/workbook.xml），不是 .xlsx 文件", path=where)
    if "[Content_Types].xml" not in names:
        raise InputError("工作簿已损坏（缺少 [Content_Types].xml）", path=where)
    return "xl/vbaProject.bin" in names, len(infos), total


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths name the same file (so writing b would replace a)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()
