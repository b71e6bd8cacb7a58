"""MS-OVBA 2.4.1 compression (the RLE/LZ77 variant used for every VBA stream).

Written here because the compressor of `ms-ovba-compression` 0.0.x corrupts long inputs (the
olevba round-trip test caught it: modules of more than a few KB came back garbled).

Every chunk is written compressed. MS-OVBA 2.4.1.3.10 also allows a stored (raw) chunk for
data that does not compress, but a public report says Excel drops whole modules written that
way, so this compressor never writes one: a chunk whose compressed form would not fit in 4096
bytes (about 3,650 bytes of incompressible data: random binary, not VBA source) is refused
with `Incompressible`. VBA source is text and compresses two to three times.
"""

from __future__ import annotations

CHUNK = 4096


class Incompressible(ValueError):
    """A 4096-byte stretch of the input whose compressed form does not fit in a chunk."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"bytes {offset}–{offset + CHUNK - 1} do not compress")
        self.offset = offset


def _copy_token_params(position: int) -> tuple[int, int]:
    """(bit count of the offset, maximum match length) for a token at `position` in its chunk."""
    bit_count = max((position - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(chunk)
    index: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos > 0 and pos + 3 <= n:
                bit_count, max_len = _copy_token_params(pos)
                limit = min(max_len, n - pos)
                for cand in reversed(index.get(chunk[pos : pos + 3], ())):
                    length = 3
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                bit_count, _ = _copy_token_params(pos)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= n:
                    index.setdefault(chunk[p : p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """The compressed container of `data`: compressed chunks only (Incompressible otherwise)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        body = _compress_chunk(data[start : start + CHUNK])
        if len(body) > CHUNK:  # the size field holds at most 4096 bytes of compressed data
            raise Incompressible(start)
        header = 0xB000 | (len(body) + 2 - 3)  # signature 0b011, flag bit 15: compressed
        out += header.to_bytes(2, "little") + body
    return bytes(out)


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = int.from_bytes(data[pos : pos + 2], "little")
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos : pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags >> bit & 1:
                    token = int.from_bytes(data[pos : pos + 2], "little")
                    pos += 2
                    bit_count, _ = _copy_token_params(len(out) - start)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)
