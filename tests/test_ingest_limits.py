"""Unreadable published files: one Chinese message naming the file, no internal error names,
and oversized files refused before parsing."""

from __future__ import annotations

import os

import pytest

from xladdin.errors import InputError
from xladdin.ingest import MAX_BYTES, read_published


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("空.docx", b"", "文件为空"),
        ("乱码.pdf", os.urandom(4096), "不是有效的 PDF 文件"),
        ("乱码.docx", os.urandom(4096), "不是有效的 Word（.docx） 文件"),
    ],
)
def test_broken_files(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_published(path)
    message = str(err.value)
    assert words in message and name in message
    assert "Exception" not in message and "Error" not in message


def test_oversized_text_is_refused_before_parsing(tmp_path):
    path = tmp_path / "巨大.txt"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES["text"] + 1)
    with pytest.raises(InputError, match="文件过大"):
        read_published(path)
