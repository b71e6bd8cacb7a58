"""The VBA project writer: MS-OVBA compression against oletools' decompressor (fuzzed), the
compound file against olefile, the protection fields decrypted by the spec's algorithm."""

from __future__ import annotations

import os
import re

import olefile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xladdin.excel import cfb, vbaproject
from xladdin.excel.ovba import CHUNK, compress, decompress

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def oletools(packed: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(packed)))


def padding(data: bytes, back: bytes) -> bytes:
    """What follows `data` in its decompressed form: zeros up to a whole raw chunk, or nothing."""
    assert back[: len(data)] == data
    tail = back[len(data) :]
    assert tail == b"\0" * len(tail)
    assert len(tail) == 0 or len(back) % CHUNK == 0
    return tail


@FUZZ
@given(st.binary(max_size=65536))
def test_random_bytes_round_trip_through_oletools(data: bytes) -> None:
    packed = compress(data)
    back = oletools(packed)
    padding(data, back)
    assert decompress(packed) == back


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=126), max_size=65536))
def test_text_round_trips_exactly(text: str) -> None:
    data = text.encode("ascii")
    assert oletools(compress(data)) == data


SIZES = st.integers(min_value=0, max_value=65536)


@FUZZ
@given(SIZES, st.integers(min_value=0, max_value=2**32))
def test_large_random_payloads(size: int, seed: int) -> None:
    """st.binary mostly draws short inputs: these go to 64 KB, across every chunk boundary."""
    import random

    data = random.Random(seed).randbytes(size)
    back = oletools(compress(data))
    padding(data, back)


@FUZZ
@given(SIZES, st.lists(st.text(alphabet="abcdefghij XYZ=()_\r\n'\"", min_size=1, max_size=30), min_size=1, max_size=50),
       st.integers(min_value=0, max_value=2**32))
def test_large_text_payloads(size: int, words: list[str], seed: int) -> None:
    import random

    rng = random.Random(seed)
    data = "".join(rng.choice(words) for _ in range(size // 4 + 1)).encode("ascii")[:size]
    assert oletools(compress(data)) == data


@FUZZ
@given(st.lists(st.sampled_from([b"Dim x As Long\r\n", b"    End If\r\n", os.urandom(40), b"' comment "]),
                max_size=3000))
def test_mixed_payloads_up_to_64k(parts: list[bytes]) -> None:
    data = b"".join(parts)[:65536]
    back = oletools(compress(data))
    padding(data, back)


def test_incompressible_final_chunk_is_a_raw_chunk() -> None:
    """4,000 random bytes made ms-ovba-compression (and our first version) write a chunk header
    that oletools rejects ("Invalid CompressedChunkSignature")."""
    for size in (3650, 4000, 4095, 4096, 4097, 12000):
        data = os.urandom(size)
        back = oletools(compress(data))
        padding(data, back)
    packed = compress(os.urandom(4000))
    assert packed[1:3] == b"\xff\x3f" and len(packed) == 1 + 2 + CHUNK  # one raw chunk


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
