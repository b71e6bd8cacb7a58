"""WPS add-in benchmark (issue 20, "Measure"): the service's start-up time, and the round trip of
校验 in the add-in's JS against the fake WPS object model (read the workbook, request, answer,
colouring and the 校验结果 sheet), clean and with one wrong cell.

    python bench/wps_bench.py [--starts 5] [--repeat 20]

The JS side runs against a fake object model whose calls cost nothing: in WPS each of the
counted object-model calls crosses into the application, so the real figure is higher by
(calls × the cost of one call), which cannot be measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.wps_support import EXAMPLE, NODE, Service, fake_book  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    with tempfile.TemporaryDirectory() as tmp:
        ready = []
        for i in range(args.starts):
            s = Service(Path(tmp) / f"home{i}")
            ready.append(s.ready_after * 1000)
            first = None
            if i == 0:
                import time

                from tests.wps_support import snapshot

                t = time.perf_counter()
                s.request("POST", "/check", snapshot(EXAMPLE))
                first = (time.perf_counter() - t) * 1000
                print(f"first POST /check after start: {first:.0f} ms")
            s.stop()
        print(f"start-up (spawn to first /health answer), {args.starts} starts: median {statistics.median(ready):.0f} ms, "
              f"best {min(ready):.0f} ms")
        service = Service(Path(tmp) / "home")
        try:
            book = Path(tmp) / "book.json"
            book.write_text(json.dumps(fake_book(EXAMPLE), ensure_ascii=False), encoding="utf-8")
            env = {**os.environ, "XLADDIN_TEST_BASE": service.base, "XLADDIN_TEST_HOME": str(service.home),
                   "XLADDIN_TEST_BOOK": str(book), "BENCH_REPEAT": str(args.repeat)}
            run = subprocess.run([NODE, str(ROOT / "bench" / "wps_roundtrip.js")], capture_output=True, text=True,
                                 env=env, check=True)
            for label, r in json.loads(run.stdout).items():
                print(f"校验 round trip ({label}, {r['findings']} findings): median {r['total_ms']:.1f} ms = "
                      f"JS {r['js_ms']:.1f} ms + service {r['service_ms']:.1f} ms over {r['requests']} request(s); "
                      f"{r['object_model_calls']} object-model calls")
        finally:
            service.stop()


if __name__ == "__main__":
    main()
