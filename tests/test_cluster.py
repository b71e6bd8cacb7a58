"""`xladdin audit --scheduler`: the same work on a real Dask LocalCluster (2 worker processes)
gives the same store as the local engine, by a shared folder and with the files' bytes sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_support import cli, contents, make_folder


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    from distributed import LocalCluster

    from xladdin.audit.sandbox import CRASH_HOOK

    # the workers' sandboxes inherit the workers' environment: a file named 崩溃 kills its sandbox
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CRASH_HOOK, "崩溃")
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as c:
            yield c


def test_cluster_gives_the_local_engines_findings(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "年报"
    make_folder(folder, 24, workbooks=3, texts=2)
    (folder / "坏.json").write_text("{", encoding="utf-8")
    local = cli("audit", str(folder), "--db", str(tmp_path / "local.db"), "--jobs", "1", "-q")
    assert local.returncode == 2, local.stderr
    shared = cli("audit", str(folder), "--db", str(tmp_path / "shared.db"), "-q", "--scheduler", cluster.scheduler_address)
    assert shared.returncode == 2, shared.stderr
    sent = cli("audit", str(folder), "--db", str(tmp_path / "sent.db"), "-q", "--scheduler", cluster.scheduler_address,
               "--send-files", "--jsonl", str(tmp_path / "sent.jsonl"))  # fmt: skip
    assert sent.returncode == 2, sent.stderr
    reference = contents(tmp_path / "local.db")
    assert any(row[7] for row in reference["files"])  # last year's reports were paired
    assert contents(tmp_path / "shared.db") == reference
    assert contents(tmp_path / "sent.db") == reference  # the workers' copies never show
    lines = [json.loads(x) for x in (tmp_path / "sent.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {Path(d["source"]).parent for d in lines} == {folder}


def test_cluster_time_limit_and_a_dying_worker(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from batch_support import TEXT

    folder = tmp_path / "限"
    make_folder(folder, 3)
    (folder / "很慢.txt").write_text(TEXT.read_text(encoding="utf-8") * 1000, encoding="utf-8")
    (folder / "崩溃.json").write_text((folder / "r00000.json").read_text(encoding="utf-8"), encoding="utf-8")
    done = cli("audit", str(folder), "--json", "--timeout", "3", "--scheduler", cluster.scheduler_address, "--send-files")
    errors = {Path(d["source"]).name: d.get("error", "") for d in json.loads(done.stdout)}
    assert "审核超过 3 秒，已跳过" in errors["很慢.txt"]
    assert errors["崩溃.json"] == f"文件“{folder / '崩溃.json'}”：读取时处理进程异常退出"
    assert not any(errors[f"r0000{i}.json"] for i in range(3))


def test_no_scheduler_there(tmp_path: Path) -> None:
    make_folder(tmp_path / "a", 2)
    done = cli("audit", str(tmp_path / "a"), "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert done.returncode == 2 and "无法连接 Dask 调度器" in done.stderr and "Traceback" not in done.stderr
