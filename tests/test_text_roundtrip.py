"""Property: any text in a Report — beginning with = + - @, holding control characters,
OOXML escapes or lone surrogates — survives write -> read exactly as text in every workbook
and document the tool writes (never a formula), or the write stops with a clear Chinese
OutputError and writes nothing.

Readers trim metadata and cell values (`.strip()`) and turn "\\r" into "\\n": those
normalisations are the readers' documented behaviour, so the generated text has no "\\r" and
metadata is compared trimmed.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from xladdin.audit.rollup import rollup_reports, write_rollup
from xladdin.audit.runner import AuditRecord, audit, meta_dict
from xladdin.audit.xlsx import write_audit_xlsx
from xladdin.check import check
from xladdin.errors import OutputError
from xladdin.export import export
from xladdin.io import read_report, read_report_fast, write_report
from xladdin.io.findings_xlsx import write_findings
from xladdin.report import Report
from xladdin.textsafety import report_texts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8")
SURROGATE = re.compile(r"[\ud800-\udfff]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

PREFIXES = st.sampled_from(["", "=", "+", "-", "@", '=HYPERLINK("http://x.invalid","点此")', "=SUM(A1:A3)", "_x0007_", "#REF!"])
CHARS = st.characters(blacklist_categories=(), blacklist_characters="\r")  # surrogates (Cs) included
TEXT = st.builds(lambda p, t: p + t, PREFIXES, st.text(CHARS, max_size=12))


def _formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _strings(path: Path) -> list[str]:
    """Every text cell as Excel shows it (calamine decodes _xHHHH_ as Excel does)."""
    book = CalamineWorkbook.from_path(str(path))
    return [v for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row if isinstance(v, str)]


def _report(agency: str, section: str, value: str, explanation: str) -> Report:
    report = Report.from_json(EXAMPLE)
    report.meta.agency = agency
    report.meta.contact_address = agency
    report.sections["s1.active"] = section
    report.values["t3.new.natural"] = value
    report.explanations["T2-C:norm"] = explanation
    report.source = "随机.json"
    return report


def _held(findings) -> list[str]:  # noqa: ANN001
    """The report text a findings list carries into a workbook: messages, 说明, snippets and
    the values of the cells it names."""
    out = []
    for f in findings:
        out += [f.message, f.explanation, f.snippet, f.ref] + [str(c.value) for c in f.cells]
    return out


def _writes(write, path: Path, texts: list[str]) -> bool:  # noqa: ANN001
    """Run the write: False (and nothing written) when a text it holds cannot be held, else
    True. `texts` are the texts the output holds: a 说明 that no finding carries is not in a
    findings workbook, and a lone surrogate in it does not stop that workbook."""
    bad = any(SURROGATE.search(t) for t in texts)
    try:
        write(path)
    except OutputError as exc:
        assert bad, f"refused without cause: {exc}"
        assert "代理项" in str(exc) and not path.exists()
        return False
    assert not bad, "a lone surrogate was written"
    return True


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agency=TEXT, section=TEXT, value=TEXT, explanation=TEXT)
def test_report_text_survives_every_workbook(agency: str, section: str, value: str, explanation: str) -> None:
    report = _report(agency, section, value, explanation)
    texts = [agency, section, value, explanation]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # fill / import -o / the template writer: write_report into the template
        out = d / "年报.xlsx"
        if _writes(lambda p: write_report(report, p), out, texts):
            assert not [f for f in _formulas(out) if f.startswith(("正文!", "说明!"))]
            for read in (read_report, read_report_fast):
                back = read(out)
                assert back.meta.agency == agency.strip() and back.meta.contact_address == agency.strip()
                assert back.sections["s1.active"] == section
                assert back.values["t3.new.natural"] == (value.strip() or None)
                assert back.explanations.get("T2-C:norm", "") == explanation.strip()
                assert "t3.new.natural" not in back.formulas
        findings = check(report)
        # check --xlsx: the title (agency) and what the findings carry
        out = d / "问题清单.xlsx"
        if _writes(lambda p: write_findings(findings, p, report), out, [report.meta.title, *_held(findings)]):
            assert _formulas(out) == []
            strings = _strings(out)
            if agency:
                assert report.meta.title in strings
            if value.strip():
                assert any(value.strip() in s for s in strings)
        # audit --xlsx
        out = d / "审核.xlsx"
        record = AuditRecord(report.source, meta_dict(report), audit(report))
        meta = [str(v) for v in record.meta.values() if v]
        if _writes(lambda p: write_audit_xlsx([record], p), out, [*meta, *_held(record.findings)]):
            assert _formulas(out) == []
            assert agency in _strings(out) or agency == ""
        # rollup -o
        out = d / "汇总.xlsx"
        rolled = rollup_reports([report], agency=agency or "汇总", include_errors=True)
        held = [t for _, t in report_texts(rolled.report)] + [json.dumps(rolled.to_dict(), ensure_ascii=False)]
        if _writes(lambda p: write_rollup(rolled, p), out, held):
            assert not [f for f in _formulas(out) if f.split("!")[0] in ("汇总来源", "汇总明细", "正文")]
            assert read_report_fast(out).meta.agency == (agency.strip() or "汇总")


def _document_text(path: Path) -> str:
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(str(path))
        return "\n".join(p.text for p in doc.paragraphs)
    if path.suffix == ".html":
        import lxml.html

        return lxml.html.fromstring(path.read_bytes()).text_content()
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", path.read_text(encoding="utf-8"))  # Markdown escapes


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agency=TEXT, section=TEXT)
def test_report_text_survives_every_document_or_is_refused(agency: str, section: str) -> None:
    report = _report(agency, section, "1", "")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("docx", "html", "md"):
            out = Path(tmp) / f"年报.{fmt}"
            xml = fmt != "md"
            bad = any(SURROGATE.search(t) or (xml and CONTROL.search(t)) for t in (agency, section))
            try:
                export(report, fmt, out)
            except OutputError as exc:
                assert bad, f"{fmt} refused without cause: {exc}"
                assert ("代理项" in str(exc) or "控制字符" in str(exc)) and not out.exists()
                continue
            assert not bad, f"{fmt}: unwritable text written"
            text = _document_text(out)
            title = report.meta.title.replace("\n", " ").replace("\t", " ") if fmt == "md" else report.meta.title
            # the title may be broken over lines (GB/T 9704 title layout): compare without white space
            assert "".join(title.split()) in "".join(text.split()), (fmt, title)
