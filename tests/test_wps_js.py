"""The WPS add-in's JS under node's built-in test runner (`node --test tests/wps/`), against the
fake WPS object model and a real `xladdin serve` started here; so `.ci/run` covers the JS too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.wps_support import EXAMPLE, NODE, ROOT, Service, fake_book
from xladdin.excel.filebook import FileBook


@pytest.fixture(scope="module")
def node_env(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    work = tmp_path_factory.mktemp("wps-js")
    service = Service(work / "home")
    previous = work / "上年.xlsx"
    shutil.copy(EXAMPLE, previous)
    book = FileBook(previous)
    book.write_key("t3.carry_out.natural", 7)
    book.set(book.address_of("NB_meta_year"), 2023)  # last year's: another year is asked about (issue 14)
    book.save()
    (work / "book.json").write_text(json.dumps(fake_book(EXAMPLE), ensure_ascii=False), encoding="utf-8")
    (work / "out").mkdir()
    env = {**os.environ, "XLADDIN_TEST_BASE": service.base, "XLADDIN_TEST_HOME": str(service.home),
           "XLADDIN_TEST_BOOK": str(work / "book.json"), "XLADDIN_TEST_PREVIOUS": str(previous),
           "XLADDIN_TEST_OUT": str(work / "out")}
    yield env
    service.stop()


@pytest.mark.parametrize("suite", ["door.test.js", "ribbon.test.js"])
def test_node_suite_passes(node_env: dict[str, str], suite: str) -> None:
    run = subprocess.run([NODE, "--test", "--test-reporter=tap", str(ROOT / "tests" / "wps" / suite)],
                         capture_output=True, text=True, env=node_env, timeout=600)
    output = run.stdout + run.stderr
    passed = re.search(r"^# pass (\d+)", run.stdout, re.M)
    failed = re.search(r"^# fail (\d+)", run.stdout, re.M)
    assert run.returncode == 0 and failed and failed.group(1) == "0", output[-6000:]
    assert passed and int(passed.group(1)) >= 3, output[-3000:]


def test_node_is_new_enough() -> None:
    version = subprocess.run([NODE, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert int(version.lstrip("v").split(".")[0]) >= 18, version  # node:test and fetch
    assert Path(NODE).exists()
