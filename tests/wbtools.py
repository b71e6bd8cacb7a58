"""Helpers for the workbook I/O tests: content snapshots and zip surgery on real files."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import openpyxl

from xladdin.io.parts import workbook_part
from xladdin.report import Report


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content(path: Path) -> dict:
    """Everything a user sees of a workbook (values, formulas, merges, names, comments,
    validations), without zip timestamps, so two builds can be compared."""
    wb = openpyxl.load_workbook(path)
    results = openpyxl.load_workbook(path, data_only=True)
    out: dict = {"sheets": wb.sheetnames, "names": {n: d.value for n, d in wb.defined_names.items()}}
    for ws in wb.worksheets:
        cached = {
            c.coordinate: results[ws.title][c.coordinate].value
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        }
        cells = {}
        comments = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    cells[c.coordinate] = c.value
                if c.comment is not None:
                    comments[c.coordinate] = (c.comment.author, c.comment.text)
        out[ws.title] = {
            "cells": cells,
            "comments": comments,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted(str(v.sqref) for v in ws.data_validations.dataValidation),
            "protected": bool(ws.protection.sheet),
            "results": cached,
        }
    return out


def rewrite(path: Path, out: Path, edit) -> Path:
    """Copy a zip entry by entry; `edit(name, data) -> bytes | None` (None drops the entry)."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = edit(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
    return out


def without_results(path: Path, out: Path) -> Path:
    """The workbook re-saved by openpyxl, which drops every cached formula result."""
    openpyxl.load_workbook(path).save(out)
    return out


def sheet_part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return workbook_part(zf)[0][sheet]


def set_cached(path: Path, out: Path, address: str, value: str) -> Path:
    """Give the formula cell at "表三!J30" a cached value, as Excel would have saved it."""
    sheet, coord = address.split("!")
    part = sheet_part(path, sheet)

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        text = data.decode("utf-8")
        pattern = re.compile(rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v>[^<]*</v>)')
        new, n = pattern.subn(rf"\1\2<v>{value}</v>", text)
        assert n == 1, f"no formula cell {address}"
        return new.encode("utf-8")

    return rewrite(path, out, edit)


def broken(example: Report) -> Report:
    """The example with an imbalance, a "/" in an input cell and a blank."""
    r = Report.from_json(example.to_json())
    r.values["t3.carry_out.natural"] += 1
    r.values["t3.deny_3.biz"] = "/"
    r.values["t2.penalty"] = None
    return r
