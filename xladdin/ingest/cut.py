"""A text that ends before the report does (a crawler that stored only the beginning of a page, a
copy cut short): where it stops, and what was never reached.

A report ends with its sixth part and usually a sign-off (agency, date). A text whose last part
is an earlier one and that has no sign-off stopped early: the parts after the one it stops in
were never printed in what we were given, and the cells of the table it stops in that come
after its last printed cell were never printed either. None of that is the agency's omission:
the reader records the cut (`report.observed["cut"]`), the check engine gives one 待核 finding
(D2) and no S1/S7 finding for what lies beyond it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..spec import SPEC
from ..values import is_absent
from .lines import Line, is_page_number
from .repair import Option, Row, Segment, absent_segment

ORDER = tuple(s.key for s in SPEC.sections)
_TEXT_LINE = re.compile(r"^第\d+行(?:第\d+字)?$")
QUOTE = 16  # characters of the last printed text quoted in the finding


@dataclass
class Cut:
    where: str  # the line the text stops in
    text: str  # its last printed words
    mid_line: bool  # no line break after it: its last word may itself be cut
    sections: list[str] = field(default_factory=list)  # parts never reached
    cells: list[str] = field(default_factory=list)  # cells never printed because of the cut

    def to_dict(self) -> dict[str, object]:
        return {"where": self.where, "text": self.text, "sections": self.sections, "cells": self.cells}


def mid_line(lines: list[Line]) -> bool:
    """A plain text with no line break after its last line (as a truncated copy is stored)."""
    return bool(lines) and bool(lines[-1].text.strip()) and bool(_TEXT_LINE.match(lines[-1].where))


def find_cut(lines: list[Line], headings: list[dict], implied: dict[str, str], signed: bool) -> Cut | None:
    """The cut, when the text has section headings, its last part is not the sixth and no
    sign-off follows; None otherwise (a report without headings says nothing about its end)."""
    seen = [h["section"] for h in headings] + list(implied)
    if not seen or "s6" in seen or signed:
        return None
    printed = [ln for ln in lines if ln.text.strip() and not is_page_number(ln.text)]
    if not printed:
        return None
    reached = max(ORDER.index(k) for k in seen)
    never = [k for k in ORDER if k not in seen and ORDER.index(k) > reached]
    text = re.sub(r"\s+", " ", " ".join(ln.text.strip() for ln in printed[-3:]))
    return Cut(printed[-1].where, text[-QUOTE:].strip(), mid_line(lines), never)


def cut_row(row: Row, broken: bool) -> tuple[Row, list[str]]:
    """The table row the text stops in: the tokens printed are read in order, the cells after
    them were never printed. When the line is `broken` (no line break after it) its last token
    may be cut as well ("10" printed as "1") and is not read, unless it is a count "0" (no
    count goes on after a leading 0). Returns the row and its keys never printed."""
    from ..spec import SPEC as spec

    printed = ["" if t == "空" else t for t in row.raw.split()]
    kinds = [spec.cell(k).kind if spec.has_cell(k) else "count" for k in row.keys]
    whole = not broken or (
        printed[-1:] == ["0"] and len(printed) <= len(kinds) and kinds[len(printed) - 1] == "count"
    )
    tokens = printed if whole else printed[:-1]
    if len(tokens) > len(row.keys):
        return row, []
    if len(tokens) == 1 and tokens[0].isdigit() and len(row.keys) > 1:
        tokens = []  # one run of glued digits stopped short: no cell of it is certain
    n = len(tokens)
    segments = [Segment(row.keys[:n], tuple(kinds[:n]), tuple(tokens))] if n else []
    segments.append(absent_segment(row.keys[n:]))
    return Row(row.keys, [Option(segments)], row.raw, row.where), list(row.keys[n:])


def cells_after(values: dict[str, object], last_section: str, never: list[str]) -> list[str]:
    """Cells never printed because of the cut: every absent cell of a table in a part never
    reached, and the absent cells of the table of the part the text stops in that come after
    its last printed cell."""
    out: list[str] = []
    for section in SPEC.sections:
        if not section.table:
            continue
        keys = [c.key for c in SPEC.cells_of(section.table)]
        if section.key in never:
            out += [k for k in keys if is_absent(values.get(k))]
        elif section.key == last_section:
            printed = [i for i, k in enumerate(keys) if not is_absent(values.get(k))]
            start = printed[-1] + 1 if printed else 0
            out += [k for k in keys[start:] if is_absent(values.get(k))]
    return out


__all__ = ["Cut", "cells_after", "cut_row", "find_cut", "mid_line"]
