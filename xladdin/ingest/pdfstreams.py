"""Every PDF stream pdfminer decodes is decoded here, and bounded while it is decoded.

pdfminer inflates a stream in one call, whatever its size, wherever it meets it: the cross-
reference stream while the file opens, an object stream while an object is looked up, a page's
content while the page is read. A 0.5 MB stream that inflates to 500 MB costs a gigabyte
however it is wrapped ([/ASCII85Decode /FlateDecode], ASCIIHex, "stream" followed by CR or a
space). A scan of the file beforehand cannot see every wrapping; the decoding itself can.
`install()` puts `bounded_decode` in the place of `PDFStream.decode` (pdfminer offers no hook):
the same filters and predictors, each step's output bounded by MAX_STREAM as it is produced,
and all streams of one file together by MAX_INFLATED (`file_budget`). Image codecs (DCT, JPX,
JBIG2, CCITT fax) are left encoded: the text reader never needs pixels, and a scan is
rendered by pdfium for OCR.
"""

from __future__ import annotations

import contextvars
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from pdfminer import pdftypes, settings
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfexceptions import PDFException, PDFNotImplementedError
from pdfminer.pdftypes import int_value
from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

from ..errors import InputError

MAX_STREAM = 50 << 20  # bytes one stream may decode to (a page's text is a few KB)
MAX_INFLATED = 200 << 20  # bytes all streams of one file may decode to
CHUNK = 64 << 10  # compressed bytes fed to zlib at a time


class PdfTooLarge(InputError):
    """A stream, or the file's streams together, decode to more than the limits allow."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"PDF 中的压缩数据解压后过大（超过 {limit >> 20} MB），不像一份年度报告，疑似恶意文件，已拒绝")


_LEFT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("xladdin_pdf_budget", default=None)


@contextmanager
def file_budget(total: int = MAX_INFLATED) -> Iterator[None]:
    """All streams decoded inside the block share `total` bytes (one file's budget)."""
    token = _LEFT.set([total])
    try:
        yield
    finally:
        _LEFT.reset(token)


def _spend(size: int) -> None:
    left = _LEFT.get()
    if left is not None:
        left[0] -= size
        if left[0] < 0:
            raise PdfTooLarge(MAX_INFLATED)


def _check(size: int, limit: int) -> None:
    if size > limit:
        raise PdfTooLarge(limit)


def inflate(data: bytes, limit: int = MAX_STREAM) -> bytes:
    """zlib data inflated in bounded steps; as pdfminer does, a checksum broken in the last
    bytes keeps what was inflated, data corrupt before that gives nothing (strict: an error)."""
    out, pos = bytearray(), 0
    z = zlib.decompressobj()
    try:
        while pos < len(data) and not z.eof:
            _feed(z, data[pos : pos + CHUNK], out, limit)
            pos += CHUNK
        out += z.flush()
        _check(len(out), limit)
        return bytes(out)
    except zlib.error as exc:
        if settings.STRICT:
            raise PDFException(f"Invalid zlib bytes: {exc!r}") from exc
    # Again up to the failing chunk, then byte by byte: where did it break?
    out, z = bytearray(), zlib.decompressobj()
    try:
        if pos:
            _feed(z, data[:pos], out, limit)
    except zlib.error:
        return b""
    for i in range(pos, min(pos + CHUNK, len(data))):
        try:
            _feed(z, data[i : i + 1], out, limit)
        except zlib.error:
            return bytes(out) if i >= len(data) - 4 else b""
    return bytes(out)


def _feed(z: zlib._Decompress, piece: bytes, out: bytearray, limit: int) -> None:
    out += z.decompress(piece, limit + 1 - len(out))
    while z.unconsumed_tail:
        _check(len(out), limit)
        out += z.decompress(z.unconsumed_tail, limit + 1 - len(out))
    _check(len(out), limit)


def lzw(data: bytes, limit: int = MAX_STREAM) -> bytes:
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        out += piece
        _check(len(out), limit)
    return bytes(out)


def runlength(data: bytes, limit: int = MAX_STREAM) -> bytes:
    """RunLengthDecode (PDF 1.7 §7.4.5), bounded."""
    out, i, n = bytearray(), 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            break
        if length < 128:
            out += data[i : i + length + 1]
            i += length + 1
        elif i < n:
            out += data[i : i + 1] * (257 - length)
            i += 1
        _check(len(out), limit)
    return bytes(out)


def a85(data: bytes, limit: int = MAX_STREAM) -> bytes:
    # "z" stands for four zero bytes: the only way ASCII85 grows; counted before decoding
    _check(len(data) + 3 * data.count(b"z"), limit * 5 // 4 + 5)
    return ascii85decode(data)


def _decoded(f: object, data: bytes, params: dict) -> bytes | None:
    """One filter's output (bounded), or None for an image codec left encoded."""
    if f in pdftypes.LITERALS_FLATE_DECODE:
        return inflate(data)
    if f in pdftypes.LITERALS_LZW_DECODE:
        return lzw(data)
    if f in pdftypes.LITERALS_ASCII85_DECODE:
        return a85(data)
    if f in pdftypes.LITERALS_ASCIIHEX_DECODE:
        return asciihexdecode(data)
    if f in pdftypes.LITERALS_RUNLENGTH_DECODE:
        return runlength(data)
    if f in (pdftypes.LITERALS_CCITTFAX_DECODE + pdftypes.LITERALS_DCT_DECODE
             + pdftypes.LITERALS_JBIG2_DECODE + pdftypes.LITERALS_JPX_DECODE):
        return None
    if f == pdftypes.LITERAL_CRYPT:
        raise PDFNotImplementedError("/Crypt filter is unsupported")
    raise PDFNotImplementedError(f"Unsupported filter: {f!r}")


def _predicted(data: bytes, params: dict) -> bytes:
    if not params or "Predictor" not in params:
        return data
    pred = int_value(params["Predictor"])
    if pred == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    if pred == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if pred >= 10:
        return apply_png_predictor(pred, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {pred!r}")


def bounded_decode(self: pdftypes.PDFStream) -> None:
    """PDFStream.decode with every step bounded (see the module docstring)."""
    assert self.data is None and self.rawdata is not None
    data = self.rawdata
    if self.decipher:
        assert self.objid is not None and self.genno is not None
        data = self.decipher(self.objid, self.genno, data, self.attrs)
    for f, params in self.get_filters():
        decoded = _decoded(f, data, params)
        if decoded is None:
            break  # an image codec: the rest of the chain stays encoded
        data = _predicted(decoded, params)
        _check(len(data), MAX_STREAM)
    _spend(len(data))
    self.data = data
    self.rawdata = None


def install() -> None:
    """Decode every PDF stream of this process through `bounded_decode` (idempotent)."""
    pdftypes.PDFStream.decode = bounded_decode  # type: ignore[method-assign]


__all__ = ["MAX_INFLATED", "MAX_STREAM", "PdfTooLarge", "bounded_decode", "file_budget", "inflate", "install"]
