"""A .7z writer, store method only: the package WPS's jsplugins.xml (oem.ini) mode downloads.

WPS expects an offline add-in as `<name>.7z` holding the folder `<name>_<version>/`. The add-in is
a few small text files, so nothing is compressed: one packed stream (the files one after another,
the Copy coder), the per-file sizes and CRC32s, the names, the folders as empty streams, and a
plain (not encoded) header. Format: 7-Zip's DOC/7zFormat.txt. Tests check the result with the
real 7-Zip (`7zz t`, `7zz x`).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIGNATURE = b"7z\xbc\xaf\x27\x1c"
VERSION = b"\x00\x04"
K_END, K_HEADER, K_MAIN_STREAMS, K_FILES, K_PACK_INFO, K_UNPACK_INFO, K_SUBSTREAMS = 0, 1, 4, 5, 6, 7, 8
K_SIZE, K_CRC, K_FOLDER, K_CODERS_UNPACK_SIZE, K_NUM_UNPACK_STREAM = 9, 10, 11, 12, 13
K_EMPTY_STREAM, K_EMPTY_FILE, K_NAME, K_ATTRIBUTES = 14, 15, 17, 21
ATTR_DIRECTORY, ATTR_ARCHIVE = 0x10, 0x20
ATTR_UNIX = 0x8000  # the high 16 bits hold a Unix mode


def number(n: int) -> bytes:
    """7z's variable-length UINT64: the leading 1-bits of the first byte count the bytes that follow."""
    for extra in range(8):
        if n < 1 << (7 * (extra + 1)):
            mask = (0xFF << (8 - extra)) & 0xFF
            return bytes([mask | (n >> (8 * extra))]) + (n & ((1 << (8 * extra)) - 1)).to_bytes(extra, "little")
    return b"\xff" + n.to_bytes(8, "little")


def _bits(flags: list[bool]) -> bytes:
    out = bytearray((len(flags) + 7) // 8)
    for i, flag in enumerate(flags):
        if flag:
            out[i // 8] |= 0x80 >> (i % 8)
    return bytes(out)


def _property(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + number(len(data)) + data


def pack_folder(folder: Path, root_name: str | None = None) -> bytes:
    """The whole tree under `folder` as a .7z, stored under `root_name` (default: its own name)."""
    root = root_name or folder.name
    entries: list[tuple[str, Path]] = [(root, folder)]
    for path in sorted(folder.rglob("*")):
        entries.append((f"{root}/{path.relative_to(folder).as_posix()}", path))
    return pack(entries)


def pack(entries: list[tuple[str, Path]]) -> bytes:
    """(name in the archive, file or folder on disk) -> the archive's bytes."""
    names, empty, is_file, attributes, data = [], [], [], [], []
    for name, path in entries:
        names.append(name)
        if path.is_dir():
            empty.append(True)
            is_file.append(False)
            attributes.append(ATTR_DIRECTORY | ATTR_UNIX | (0o40755 << 16))
            continue
        content = path.read_bytes()
        empty.append(not content)
        if not content:
            is_file.append(True)
        else:
            data.append(content)
        attributes.append(ATTR_ARCHIVE | ATTR_UNIX | (0o100644 << 16))
    packed = b"".join(data)
    header = bytearray([K_HEADER])
    if data:
        header += bytes([K_MAIN_STREAMS])
        header += bytes([K_PACK_INFO]) + number(0) + number(1) + bytes([K_SIZE]) + number(len(packed)) + bytes([K_END])
        header += bytes([K_UNPACK_INFO, K_FOLDER]) + number(1) + b"\x00"  # one folder, not external
        header += number(1) + b"\x01\x00"  # one coder: simple, 1-byte id 00 = Copy
        header += bytes([K_CODERS_UNPACK_SIZE]) + number(len(packed)) + bytes([K_END])
        header += bytes([K_SUBSTREAMS, K_NUM_UNPACK_STREAM]) + number(len(data))
        if len(data) > 1:
            header += bytes([K_SIZE]) + b"".join(number(len(d)) for d in data[:-1])
        header += bytes([K_CRC, 1]) + b"".join(struct.pack("<I", zlib.crc32(d)) for d in data)
        header += bytes([K_END, K_END])
    header += bytes([K_FILES]) + number(len(names))
    if any(empty):
        header += _property(K_EMPTY_STREAM, _bits(empty))
        header += _property(K_EMPTY_FILE, _bits(is_file))
    header += _property(K_NAME, b"\x00" + b"".join(n.encode("utf-16-le") + b"\x00\x00" for n in names))
    header += _property(K_ATTRIBUTES, b"\x01\x00" + b"".join(struct.pack("<I", a) for a in attributes))
    header += bytes([K_END, K_END])
    start = struct.pack("<QQI", len(packed), len(header), zlib.crc32(bytes(header)))
    return SIGNATURE + VERSION + struct.pack("<I", zlib.crc32(start)) + start + packed + bytes(header)


__all__ = ["number", "pack", "pack_folder"]
