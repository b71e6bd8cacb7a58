"""A minimal writer of Microsoft compound files (MS-CFB version 3), the container of vbaProject.bin.

Only what a VBA project needs: storages and streams written once, in memory. Streams under
4096 bytes live in the mini stream (64-byte sectors), larger ones in 512-byte sectors. Each
storage's children form a balanced binary search tree in MS-CFB order (shorter names first,
then by upper-cased name), every node black: that meets the three constraints MS-CFB 2.6.4 sets
for its red-black trees (root black, no two red nodes in a row, left sibling less than right). No DIFAT: a project of up to
109 FAT sectors (about 7 MB) is far beyond any add-in.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECT, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
STORAGE, STREAM, ROOT = 1, 2, 5
BLACK = 1


@dataclass
class Storage:
    """A storage: named streams (bytes) and sub-storages."""

    name: str
    children: dict[str, bytes | Storage] = field(default_factory=dict)

    def add(self, name: str, item: bytes | Storage) -> None:
        if len(name) > 31 or any(ch in name for ch in "/\\:!"):
            raise ValueError(f"invalid compound file entry name {name!r}")
        self.children[name] = item


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    start: int = END
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", ROOT)]

    def visit(storage: Storage, index: int) -> None:
        for name in sorted(storage.children, key=_order):
            item = storage.children[name]
            if isinstance(item, Storage):
                entries.append(_Entry(name, STORAGE, start=0))
            else:
                entries.append(_Entry(name, STREAM, bytes(item)))
            entries[index].children.append(len(entries) - 1)
            if isinstance(item, Storage):
                visit(item, len(entries) - 1)

    visit(root, 0)
    for entry in entries:
        entry.child = _tree(entries, entry.children)
    return entries


def _tree(entries: list[_Entry], ids: list[int]) -> int:
    """Link sorted sibling ids into a balanced binary search tree; return its root."""
    if not ids:
        return NO_STREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.left = _tree(entries, ids[:mid])
    node.right = _tree(entries, ids[mid + 1 :])
    return ids[mid]


def _sectors(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size].ljust(size, b"\0") for i in range(0, len(data), size)]


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0" if e.name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ", name, len(name), e.kind, BLACK if e.kind else 0, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, e.start, e.size,
    )


def write(root: Storage) -> bytes:
    entries = _flatten(root)
    # small streams into the mini stream
    mini = bytearray()
    mini_fat: list[int] = []
    for e in entries:
        if e.kind == STREAM and len(e.data) < MINI_CUTOFF:
            e.size = len(e.data)
            if not e.data:
                continue
            count = -(-len(e.data) // MINI_SECTOR)
            e.start = len(mini_fat)
            mini_fat += [0] * count
            _chain(mini_fat, e.start, count)
            mini += e.data.ljust(count * MINI_SECTOR, b"\0")
    body: list[bytes] = []  # every sector after the FAT sectors, in order
    layout: list[tuple[str, int, int]] = []  # (what, first body sector, sector count)

    def place(what: str, data: bytes) -> int:
        first = len(body)
        body.extend(_sectors(data, SECTOR))
        layout.append((what, first, len(body) - first))
        return first

    big = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]
    big_first = {id(e): place("stream", e.data) for e in big}
    mini_first = place("mini", bytes(mini)) if mini else None
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    mini_fat_first = place("minifat", mini_fat_bytes.ljust(-(-len(mini_fat_bytes) // SECTOR) * SECTOR, b"\xff"))\
        if mini_fat else None
    dir_count = -(-len(entries) // 4)
    dir_first_placeholder = len(body)
    body.extend([b""] * dir_count)  # filled once the start sectors are known
    layout.append(("dir", dir_first_placeholder, dir_count))

    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + len(body):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA project too large for a compound file without DIFAT")
    fat = [FREE] * (n_fat * (SECTOR // 4))
    for i in range(n_fat):
        fat[i] = FAT_SECT
    for _, first, count in layout:
        _chain(fat, n_fat + first, count)

    for e in big:
        e.start, e.size = n_fat + big_first[id(e)], len(e.data)
    root_entry = entries[0]
    if mini_first is not None:
        root_entry.start, root_entry.size = n_fat + mini_first, len(mini)
    # unused slots of the last directory sector: empty entries (zeros, no siblings or child)
    empty = _dir_entry(_Entry("", 0, start=0))
    slots = [_dir_entry(e) for e in entries] + [empty] * (dir_count * 4 - len(entries))
    for i in range(dir_count):
        body[dir_first_placeholder + i] = b"".join(slots[i * 4 : i * 4 + 4])

    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        SIGNATURE, b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, n_fat + dir_first_placeholder, 0, MINI_CUTOFF,
        n_fat + mini_fat_first if mini_fat_first is not None else END,
        -(-len(mini_fat_bytes) // SECTOR) if mini_fat else 0,
        END, 0,
    ) + struct.pack("<109I", *difat)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + fat_bytes + b"".join(body)
