"""bench/generate.py makes reports the auditor reads as the generator meant them: every planted
error is found with the rule ids of the manifest, and nothing else is.

"Nothing else" is strict: a report without a planted error has no finding at all, of any
severity (强制, 待核 and 提示 alike), and a report with one has findings of the manifest's rules
only. 提示 counts too, because the generator writes the narrative from the table's own figures
(the example's text, rewritten): a 提示 there would be the auditor misreading a clean report.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from xladdin.audit import audit_paths
from xladdin.audit.runner import expand_paths

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

# (kind, count, seed, planted share): every planted kind shows up at least once in the set
SETS = [("xlsx", 40, 11, 0.3), ("txt", 10, 12, 0.5), ("html", 5, 13, 0.6), ("pdf", 2, 14, 1.0)]


def _soffice() -> bool:
    from xladdin.export.pdf import find_soffice

    try:
        find_soffice()
    except Exception:  # noqa: BLE001
        return False
    return True


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    manifest: dict = {}
    records: dict = {}
    for kind, n, seed, rate in SETS:
        if kind == "pdf" and not _soffice():
            pytest.fail("LibreOffice (soffice) is needed to make the PDF reports")
        out = tmp_path_factory.mktemp(kind)
        m = generate.generate(n, [kind], seed, out, jobs=1, rate=rate)
        assert json.loads((out / generate.MANIFEST).read_text(encoding="utf-8")) == json.loads(json.dumps(m, default=str))
        manifest.update({str(out / name): f for name, f in m["files"].items()})
        for record in audit_paths(expand_paths([out]), jobs=2):
            records[record.source] = record
    return manifest, records


def test_every_file_is_read(generated: tuple[dict, dict]) -> None:
    manifest, records = generated
    assert sorted(records) == sorted(manifest)
    assert [r.error for r in records.values() if r.error] == []
    kinds = Counter(Path(p).suffix for p in records)
    assert kinds == {".xlsx": 40, ".txt": 10, ".html": 5, ".pdf": 2}


def test_planted_errors_are_found_and_nothing_else(generated: tuple[dict, dict]) -> None:
    manifest, records = generated
    wrong = []
    for path, entry in manifest.items():
        expected = {rule for plant in entry["planted"] for rule in plant["rules"]}
        found = {f.rule for f in records[path].findings}
        if found != expected:
            wrong.append((Path(path).name, entry["planted"], sorted(found), [f.message for f in records[path].findings]))
    assert wrong == []
    planted = Counter(p["kind"] for e in manifest.values() for p in e["planted"])
    assert set(planted) == set(generate.PLANTS), planted  # every kind of error was tried


def test_same_seed_same_reports(tmp_path: Path) -> None:
    a = generate.generate(6, ["xlsx", "txt"], 7, tmp_path / "a", rate=0.5)
    b = generate.generate(6, ["xlsx", "txt"], 7, tmp_path / "b", rate=0.5)
    assert a == b
    for name in a["files"]:
        if name.endswith(".txt"):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    agencies = {f["agency"] for f in a["files"].values()}
    assert len(agencies) > 1 and all(f["agency"].endswith(("局", "厅", "委员会")) for f in a["files"].values())
