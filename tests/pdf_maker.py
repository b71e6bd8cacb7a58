"""A one-page PDF around one content stream, for the tests and bench/hostile_bench.py: the
stream's dictionary, data and `stream` keyword are chosen by the caller (filter chains, bombs,
CR or a space after the keyword)."""

from __future__ import annotations


def one_page_pdf(stream_dict: bytes, data: bytes, keyword: bytes = b"stream\n") -> bytes:
    """`stream_dict` holds one %d for the stream's length."""
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 5 0 R >>")
    stream = stream_dict % len(data) + b"\n" + keyword + data + b"\nendstream"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", page, stream]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
