"""The VBA project writer: MS-OVBA compression against oletools' decompressor (fuzzed), the
compound file against olefile, the protection fields decrypted by the spec's algorithm."""

from __future__ import annotations

import os
import re

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xladdin.errors import OutputError
from xladdin.excel import cfb, vbaproject
from xladdin.excel.ovba import CHUNK, Incompressible, compress, decompress

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def oletools(packed: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(packed)))


def chunk_headers(packed: bytes) -> list[int]:
    """The header of every chunk of a compressed container, walked by its size fields."""
    assert packed[:1] == b"\x01"
    headers, pos = [], 1
    while pos < len(packed):
        header = int.from_bytes(packed[pos : pos + 2], "little")
        headers.append(header)
        pos += (header & 0x0FFF) + 3
    assert pos == len(packed)
    return headers


def packed_or_refused(data: bytes) -> bytes | None:
    """compress(data), checked: every chunk compressed (flag bit 15 set, signature 0b011), never
    stored raw, and oletools reads back exactly `data`; None when it refused (only for a
    4096-byte stretch that no compressed chunk can hold)."""
    try:
        packed = compress(data)
    except Incompressible as exc:
        assert exc.offset % CHUNK == 0 and exc.offset < len(data)
        assert len(data) - exc.offset >= 3650  # a shorter stretch always fits: literals cost 9/8
        return None
    for header in chunk_headers(packed):
        assert header & 0x8000 and (header >> 12) & 0b111 == 0b011
    assert oletools(packed) == data
    assert decompress(packed) == data
    return packed


@FUZZ
@given(st.binary(max_size=65536))
def test_random_bytes_compress_or_are_refused_never_stored_raw(data: bytes) -> None:
    packed_or_refused(data)


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=126), max_size=65536))
def test_text_round_trips_exactly(text: str) -> None:
    packed_or_refused(text.encode("ascii"))


SIZES = st.integers(min_value=0, max_value=65536)


@FUZZ
@given(SIZES, st.integers(min_value=0, max_value=2**32))
def test_large_random_payloads(size: int, seed: int) -> None:
    """st.binary mostly draws short inputs: these go to 64 KB, across every chunk boundary."""
    import random

    data = random.Random(seed).randbytes(size)
    packed_or_refused(data)


@FUZZ
@given(SIZES, st.lists(st.text(alphabet="abcdefghij XYZ=()_\r\n'\"", min_size=1, max_size=30), min_size=1, max_size=50),
       st.integers(min_value=0, max_value=2**32))
def test_large_text_payloads_always_compress(size: int, words: list[str], seed: int) -> None:
    """Source-like text (words from a small vocabulary) is never refused."""
    import random

    rng = random.Random(seed)
    data = "".join(rng.choice(words) for _ in range(size // 4 + 1)).encode("ascii")[:size]
    assert packed_or_refused(data) is not None


@FUZZ
@given(st.lists(st.sampled_from([b"Dim x As Long\r\n", b"    End If\r\n", os.urandom(40), b"' comment "]),
                max_size=3000))
def test_mixed_payloads_up_to_64k(parts: list[bytes]) -> None:
    packed_or_refused(b"".join(parts)[:65536])


def test_incompressible_data_is_refused_not_stored_raw() -> None:
    """A stored (raw) chunk is valid MS-OVBA, but Excel is reported to drop a module written
    that way: 4,000 random bytes are refused, naming where; 3,000 still fit compressed."""
    for size in (4000, 4095, 4096, 4097, 12000):
        with pytest.raises(Incompressible) as caught:
            compress(os.urandom(size))
        assert caught.value.offset == 0
    with pytest.raises(Incompressible) as caught:
        compress(b"Sub A()\r\nEnd Sub\r\n" * 300 + os.urandom(9000))  # chunk 1 half text still fits
    assert caught.value.offset == 8192
    assert packed_or_refused(os.urandom(3000)) is not None


def test_a_module_that_does_not_compress_is_refused_in_chinese() -> None:
    noise = "".join(chr(33 + b % 90) for b in os.urandom(6000))  # printable, but no repeats to find
    module = vbaproject.Module("Blob", "module", 'Attribute VB_Name = "Blob"\n' + noise)
    with pytest.raises(OutputError, match="VBA 模块“Blob”.*无法压缩"):
        vbaproject.write([module])


def test_every_module_of_the_built_project_compresses() -> None:
    """The add-in's real modules (macros/, xlwings', the generated NB_ wrappers) compress."""
    from xladdin.excel.build import vba_modules

    for addin in (True, False):
        for mod in vba_modules(addin):
            data = mod.body.replace("\n", "\r\n").encode("cp1252")
            packed = packed_or_refused(data)
            assert packed is not None and len(packed) < len(data), mod.name


def test_long_vba_text_compresses() -> None:
    data = b"".join(f"Line {i}: Dim x{i} As Long ' comment {i * 7}\r\n".encode() for i in range(3000))
    packed = compress(data)
    assert len(packed) < len(data) / 2
    assert oletools(packed) == data


def _decrypt(data: bytes) -> bytes:
    """MS-OVBA 2.4.3.3, written from the spec independently of vbaproject.encrypt."""
    seed, version_enc, key_enc = data[0], data[1], data[2]
    assert seed ^ version_enc == 2
    unencrypted, enc1, enc2 = key_enc ^ seed, key_enc, version_enc
    plain = []
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((enc2 + unencrypted) & 0xFF)
        plain.append(byte)
        enc2, enc1, unencrypted = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored : ignored + 4]), "little")
    return bytes(plain[ignored + 4 : ignored + 4 + length])


def test_project_stream_protection_fields_decrypt() -> None:
    mods = [vbaproject.Module("ThisWorkbook", "document", 'Attribute VB_Name = "ThisWorkbook"\n'),
            vbaproject.Module("M", "module", 'Attribute VB_Name = "M"\nSub A()\nEnd Sub\n')]
    text = vbaproject.project_stream("VBAProject", "{8F2B1C3E-0000-4000-8000-000000000001}", mods).decode("ascii")
    fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"\r$', text, re.M))
    assert _decrypt(bytes.fromhex(fields["CMG"])) == b"\0\0\0\0"  # not protected
    assert _decrypt(bytes.fromhex(fields["DPB"])) == b"\0"  # no password
    assert _decrypt(bytes.fromhex(fields["GC"])) == b"\xff"  # visible
    assert "Document=ThisWorkbook/&H00000000\r\nModule=M\r\n" in text


def test_project_stream_ends_as_excel_writes_it() -> None:
    """Host extenders, one empty line, then [Workspace] with every module's window; the last
    line ends with CRLF and no empty line dangles after it."""
    mods = [vbaproject.Module("ThisWorkbook", "document", 'Attribute VB_Name = "ThisWorkbook"\n'),
            vbaproject.Module("Sheet1", "document", 'Attribute VB_Name = "Sheet1"\n'),
            vbaproject.Module("M", "module", 'Attribute VB_Name = "M"\nSub A()\nEnd Sub\n')]
    text = vbaproject.project_stream("VBAProject", "{8F2B1C3E-0000-4000-8000-000000000001}", mods).decode("ascii")
    tail = text[text.index("[Host Extender Info]"):]
    assert tail == ("[Host Extender Info]\r\n&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n"
                    "\r\n[Workspace]\r\nThisWorkbook=0, 0, 0, 0, C\r\nSheet1=0, 0, 0, 0, C\r\nM=0, 0, 0, 0, C\r\n")
    assert not text.endswith("\r\n\r\n") and "\n" not in text.replace("\r\n", "")
    # the grammar's order: properties, NWLN, host extenders, NWLN, workspace
    assert text.index('GC="') < text.index("\r\n\r\n[Host Extender Info]") < text.index("\r\n\r\n[Workspace]")


def test_compound_file_reads_back_in_olefile() -> None:
    """Small and large streams (mini stream and regular sectors), nested storages, many names."""
    big = os.urandom(70000)
    root = cfb.Storage("Root Entry")
    vba = cfb.Storage("VBA")
    for i in range(23):
        vba.add(f"Module{i}", bytes([i]) * (i * 300))
    vba.add("big", big)
    root.add("VBA", vba)
    root.add("PROJECT", b"ID=x\r\n")
    data = cfb.write(root)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    try:
        assert ole.openstream("VBA/big").read() == big
        for i in range(23):
            assert ole.openstream(f"VBA/Module{i}").read() == bytes([i]) * (i * 300)
        assert ole.openstream("PROJECT").read() == b"ID=x\r\n"
        assert len(ole.listdir()) == 25
    finally:
        ole.close()
