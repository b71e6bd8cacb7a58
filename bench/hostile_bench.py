"""Peak memory and time of the worst PDF and HTML inputs (issue 14, shared/repro 27 and 28).

    python bench/hostile_bench.py [--tree PATH] [--mb 500] [--tables 8000]

Each input is read by `xladdin import FILE --json` in a child process under an address-space
cap (4 GB), which reports its own peak resident memory; the wall time is measured outside.
`--tree` runs another checkout's code (e.g. `--tree /path/to/main` for the figures before a
change), the default is this one. Inputs, built here:

- PDF stream bombs: one content stream that inflates to `--mb` MB, plain Flate, behind
  [/ASCII85Decode /FlateDecode] and [/ASCIIHexDecode /FlateDecode], after "stream" + CR and
  "stream" + space, and Flate twice;
- an HTML page of `--tables` tables, each one just under the per-table span limit;
- for scale, the seed report exported to HTML (a real page) and a 200-table page of the seed's
  table 三.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pdf_maker import one_page_pdf  # noqa: E402  (tests/: the same PDFs the tests build)

CAP_MB = 4096
MEASURED = (
    "import resource, sys\n"
    "from xladdin.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stderr.write(f'PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10}\\n')\n"
    "sys.exit(code)\n"
)


def run(tree: Path, path: Path, timeout: float = 600) -> tuple[float, int, int, str]:
    """(seconds, peak MB, exit code, last message line) of `import path --json`."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CAP_MB << 20, CAP_MB << 20))

    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", MEASURED, "import", str(path), "--json"], capture_output=True,
                              text=True, timeout=timeout, preexec_fn=cap, cwd=path.parent,
                              env={**os.environ, "PYTHONPATH": str(tree)})  # not this folder: `-c` puts the cwd first
    except subprocess.TimeoutExpired:
        return timeout, -1, -1, "超时"
    seconds = time.perf_counter() - start
    err, _, peak = done.stderr.rpartition("PEAK ")
    last = next((ln for ln in reversed(err.splitlines()) if ln.strip()), "")
    return seconds, int(peak) if peak.strip().isdigit() else -1, done.returncode, last[:70]


def inputs(folder: Path, mb: int, tables: int) -> dict[str, Path]:
    comp = zlib.compressobj(9)
    raw = bytearray(comp.compress(b"BT /F1 10 Tf 50 800 Td (x) Tj ET\n"))
    block = b" " * (1 << 20)
    for _ in range(mb):
        raw += comp.compress(block)
    raw = bytes(raw + comp.flush())
    cases = {
        f"PDF {mb} MB Flate": one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>", raw),
        f"PDF {mb} MB A85+Flate": one_page_pdf(b"<< /Length %d /Filter [/ASCII85Decode /FlateDecode] >>", base64.a85encode(raw) + b"~>"),
        f"PDF {mb} MB AHx+Flate": one_page_pdf(b"<< /Length %d /Filter [/ASCIIHexDecode /FlateDecode] >>", raw.hex().encode() + b">"),
        f"PDF {mb} MB stream+CR": one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>", raw, keyword=b"stream\r"),
        f"PDF {mb} MB stream+SP": one_page_pdf(b"<< /Length %d /Filter /FlateDecode >>", raw, keyword=b"stream \n"),
        f"PDF {mb} MB Flate×2": one_page_pdf(b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>", zlib.compress(raw, 9)),
    }
    out = {}
    for i, (name, data) in enumerate(cases.items()):
        out[name] = folder / f"bomb{i}.pdf"
        out[name].write_bytes(data)
    table = b'<table><tr><td rowspan="100" colspan="100">1</td><td rowspan="100" colspan="99">2</td></tr></table>'
    out[f"HTML {tables} 个表格"] = folder / "tables.html"
    out[f"HTML {tables} 个表格"].write_bytes(b"<html><body>" + table * tables + b"</body></html>")
    from xladdin.export import export
    from xladdin.report import Report

    seed = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    page = export(seed, "html", folder / "seed.html")
    out["HTML 种子年报"] = page
    html = page.read_text(encoding="utf-8")
    at = html.index('data-key="t3.new.natural"')
    t3 = html[html.rindex("<table", 0, at) : html.index("</table>", at) + 8]
    many = folder / "t3x200.html"
    many.write_text(html.replace(t3, t3 * 200, 1), encoding="utf-8")
    out["HTML 表三×200"] = many
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code runs (default: this one)")
    ap.add_argument("--mb", type=int, default=500)
    ap.add_argument("--tables", type=int, default=8000)
    args = ap.parse_args()
    print(f"代码：{args.tree}；负载：{os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        for name, path in inputs(Path(tmp), args.mb, args.tables).items():
            seconds, peak, code, last = run(args.tree, path)
            size = path.stat().st_size / 1024
            print(f"  {name:<22} {size:8.0f} KB  {seconds:6.1f} s  峰值 {peak:5d} MB  退出码 {code}  {last}")


if __name__ == "__main__":
    main()
