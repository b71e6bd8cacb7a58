"""Shared fixtures: paths to the real reports and the example Report."""

from __future__ import annotations

from pathlib import Path

import pytest

from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
SEED_TEXT = DATA / "seeds" / "000_0f8514aaa6f27642.txt"


@pytest.fixture
def example() -> Report:
    """A fresh copy of the seed report (威海市人力资源和社会保障局 2024) as a Report."""
    return Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
