"""`xladdin audit PATH... [--previous PATH] [--db 审核.db] [--json | --jsonl OUT] [--xlsx OUT] [--csv OUT]
[--jobs N] [--timeout S] [--max-size MB] [--max-memory MB] [--scheduler tcp://HOST:8786 [--send-files]]`
— 批量审核, through the streaming engine (audit.engine) into the results store."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.table import Table

from ..audit.engine import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_SIZE,
    DEFAULT_TIMEOUT,
    PDF_TIMEOUT,
    Limits,
    LocalPool,
    Tally,
    run_engine,
)
from ..audit.exports import dump_json, write_csv, write_jsonl
from ..audit.runner import AuditRecord
from ..errors import InputError, XladdinError
from ..load import load_report
from ..report import Meta, Report
from ..store import Store
from .findings_view import show_findings
from .inputs import add_force, ensure_writable, refuse_overwriting
from .progress import add_quiet, progress
from .terminal import Text, console

EPILOG = (
    "退出码：0 所有文件均无强制错误（只有待核、提示也是 0）；1 至少一个文件有强制错误；2 至少一个文件无法读取"
    "（同时出现时取 2）。待核是读取的疑问（原文不能唯一读出、原文不完整），不是报告的错误，须人工对照原件核定。"
    "无法读取的文件不会中断批量审核，在结果中记为错误。"
)


TABLE_LIMIT = 200  # files: above this the terminal gets the counts, the details are in the outputs
ERRORS_SHOWN = 20  # unreadable files listed on stderr before "另有 N 个"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="批量审核：工作簿与已发布年报（文本/网页/Word/PDF）的表格、文字、结构与跨期检查",
        description="审核一个或多个年报：表内勾稽、正文与表格一致（文表）、结构与时限，"
        "给出上年报告时另查跨期衔接与第五部分雷同。文件夹会展开为其中所有受支持的文件。"
        "结果边审边写入审核结果库（--db），中断后重新运行同一命令只审核尚未审核或已改动的文件。",
        epilog=EPILOG,
    )
    p.add_argument("paths", nargs="+", metavar="路径", help="年报文件或文件夹（.xlsx .xlsm .json .txt .md .html .docx .pdf）")
    p.add_argument(
        "--previous", metavar="上年",
        help="上年度年报文件（用于同一机关），或存放上年年报的文件夹（按机关名称和年度自动查找；可以就是本次审核的文件夹）",
    )
    p.add_argument("--db", metavar="审核.db",
                   help="审核结果库（SQLite 文件）：结果边审边写入；再次运行时内容未变的文件直接沿用，中断后可续审。"
                   "不给时用临时文件，运行结束即删除")  # fmt: skip
    p.add_argument("--json", action="store_true", help="以 JSON 输出到屏幕：每个文件一个对象 {source, meta, findings}（文件很多时请用 --jsonl）")
    p.add_argument("--jsonl", metavar="输出.jsonl", help="另写 JSON Lines 文件：每行一个文件的审核结果")
    p.add_argument("--csv", metavar="输出.csv", help="另写 CSV 文件：每个问题一行（中文表头，Excel 可直接打开）")
    p.add_argument("--xlsx", metavar="输出.xlsx", help="另写审核工作簿：“汇总”表每个年报一行，“明细”表每个问题一行")
    p.add_argument("--jobs", type=int, metavar="进程数", help="并行进程数（默认为 CPU 核数，最多 8；1 表示只用一个审核进程）")
    p.add_argument("--timeout", type=float, metavar="秒",
                   help=f"每个文件的审核时限（默认 {DEFAULT_TIMEOUT:g} 秒；PDF 默认 {PDF_TIMEOUT:g} 秒，因其可能是需识别文字的扫描件）；"
                   "超时的文件记为错误，审核继续")  # fmt: skip
    p.add_argument("--max-size", type=float, metavar="兆字节",
                   help=f"单个文件大小上限（默认 {DEFAULT_MAX_SIZE // 2**20} MB）；超过的文件不读取，记为错误")  # fmt: skip
    p.add_argument("--max-memory", type=float, metavar="兆字节",
                   help=f"每个审核进程的内存上限（默认 {DEFAULT_MAX_MEMORY:g} MB，0 表示不限）；超过时该文件记为错误，审核继续")  # fmt: skip
    p.add_argument("--scheduler", metavar="调度器地址",
                   help="在 Dask 集群上审核，地址如 tcp://192.168.1.10:8786（需 pip install xladdin[cluster]）："
                   "各工作机须能以同一路径读到文件，或加 --send-files")  # fmt: skip
    p.add_argument("--send-files", action="store_true", help="与 --scheduler 同用：把文件内容随任务发给工作机（无需共享文件夹）")
    p.add_argument("--roster", metavar="名单.xlsx",
                   help="本地区应报机关名单（.xlsx 或 .csv，可用 xladdin roster template 生成）：对照名单查缺报、迟报、"
                   "名单外报告；与 --db 同用时名单存入审核结果库，供复核、整改通知和总览使用")  # fmt: skip
    p.add_argument("--hierarchy", action="store_true", help="与 --roster 同用：名单标为汇总的机关，核对其表格是否等于下级机关之和（表间）")
    p.add_argument("--detail", action="store_true", help="多个文件时也逐条列出每个文件的问题")
    add_force(p, "--xlsx、--jsonl、--csv 给出的")
    add_quiet(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    err = console(stderr=True)
    outputs = [(o, opt) for o, opt in ((args.xlsx, "--xlsx"), (args.jsonl, "--jsonl"), (args.csv, "--csv")) if o]
    files: list[str] = []  # strings, not Paths: a run of 100,000 files keeps its list small
    empty: list[AuditRecord] = []
    for raw in args.paths:
        p = Path(raw)
        found = list_reports(p) if p.is_dir() else [raw]
        if p.is_dir() and outputs:  # our own workbook from an earlier run is not a report
            found = [f for f in found if not any(_same(Path(f), o) for o, _ in outputs)]
        if p.is_dir() and not found:
            empty.append(AuditRecord(str(p), error=f"文件夹“{p}”：其中没有可审核的文件"))
        files.extend(found)
    limits = _limits(args)
    if args.send_files and not args.scheduler:
        raise XladdinError("--send-files 只能与 --scheduler 同用")
    inputs = [*files, *([args.previous] if args.previous else [])]
    for out, opt in outputs:
        refuse_overwriting(out, inputs, f"{opt} 输出", kind="audit" if opt == "--xlsx" else None, force=args.force)
        ensure_writable(out, f"{opt} 输出")  # before the audit, not after it
    if args.db:
        refuse_overwriting_input(args.db, inputs)
        ensure_writable(args.db, "--db 审核结果库")
    if args.hierarchy and not args.roster:
        raise XladdinError("--hierarchy 须与 --roster 同用（汇总关系来自名单）")
    roster = None
    if args.roster:  # read before the run: a bad roster stops it at once, naming file, sheet and cell
        from ..office.roster import read_roster

        roster = read_roster(args.roster)
    previous = None
    if args.previous:
        prev_path = Path(args.previous)
        if prev_path.is_dir():
            if args.send_files:
                raise XladdinError("--send-files 时 --previous 须为一个文件（工作机看不到本机的文件夹）")
            previous = str(prev_path)
        elif not prev_path.exists():
            raise InputError("上年报告不存在", path=str(prev_path))
        else:
            previous = load_report(prev_path)
    with _store(args.db) as store:
        run_id = store.begin_run(_run_args(args))
        for record in empty:
            store.put(run_id, record)
        pool = _pool(args, limits)
        notes = _Notes()
        stop = _sigterm_as_interrupt()
        try:
            with progress(len(files), "审核", quiet=args.quiet, unit="份") as on_progress:
                tally = run_engine(store, run_id, files, len(files), previous=previous, pool=pool, limits=limits,
                                   on_progress=on_progress, on_record=notes)  # fmt: skip
        except KeyboardInterrupt:
            done = store.covered(run_id)
            if args.db:
                print(f"已中断：已保存 {done} 个文件的结果到 {args.db}；重新运行同一命令即可从中断处继续。", file=sys.stderr)
            raise
        finally:
            stop()
            _close(pool)
        code = _report(store, run_id, args, err, tally, len(files) + len(empty))
        if args.db or roster is not None:  # the office's lines: what changed since the last run, the roster
            from ..office.hooks import after_audit

            err.print(Text(after_audit(store, run_id, roster, hierarchy=args.hierarchy)))
        return code


def list_reports(folder: Path) -> list[str]:
    """load.report_files as strings, walked without a Path per file (the same filter: a
    supported suffix, not hidden, not a temporary or lock file), sorted."""
    import os

    from ..fileio import is_temp_name
    from ..load import LISTED_SUFFIXES

    out = []
    for top, _, names in os.walk(folder):
        for name in names:
            if os.path.splitext(name)[1].lower() in LISTED_SUFFIXES and not is_temp_name(name) and not name.startswith("."):
                path = os.path.join(top, name)
                if os.path.isfile(path):
                    out.append(path)
    out.sort()
    return out


def _limits(args: argparse.Namespace) -> Limits:
    for value, opt in ((args.timeout, "--timeout"), (args.max_size, "--max-size"), (args.max_memory, "--max-memory")):
        if value is None:
            continue
        if value < 0 or (value == 0 and opt != "--max-memory"):
            raise XladdinError(f"{opt} 须为正数")
    return Limits(
        timeout=args.timeout,
        max_size=int(args.max_size * 2**20) if args.max_size else DEFAULT_MAX_SIZE,
        max_memory=DEFAULT_MAX_MEMORY if args.max_memory is None else (args.max_memory or None),
    )


def _run_args(args: argparse.Namespace) -> dict[str, object]:
    keep = ("paths", "previous", "roster", "hierarchy", "jobs", "timeout", "max_size", "max_memory", "scheduler", "send_files")
    return {k: getattr(args, k) for k in keep if getattr(args, k) not in (None, False)}


def _pool(args: argparse.Namespace, limits: Limits):  # type: ignore[no-untyped-def]
    if args.scheduler:
        from ..audit.cluster import DaskPool

        return DaskPool(args.scheduler, limits, send_files=args.send_files)
    from ..audit.pool import default_jobs

    return LocalPool(default_jobs() if args.jobs is None else max(1, args.jobs), limits)


def _close(pool: object) -> None:
    close = getattr(pool, "close", None)
    if close is not None:
        close()


@contextmanager
def _store(db: str | None) -> Iterator[Store]:
    """The user's store (--db, reused: that is resume), or a temporary one deleted at the end."""
    if db:
        with Store.open(db) as store:
            yield store
        return
    with tempfile.TemporaryDirectory(prefix="xladdin-audit-") as folder:
        store = Store.open(Path(folder) / "审核.db")
        try:
            yield store
        finally:
            store.conn.close()


def refuse_overwriting_input(db: str, inputs: list) -> None:  # type: ignore[type-arg]
    from ..io.outputs import refuse_inputs

    refuse_inputs(db, inputs, "--db 审核结果库")


class _Notes:
    """Last year's report not used, and why: said on stderr as the files are audited."""

    def __call__(self, record: AuditRecord) -> None:
        for note in record.previous_notes:
            print(f"注意：{Path(record.source).name}：{note}", file=sys.stderr)


def _sigterm_as_interrupt():  # type: ignore[no-untyped-def]
    """SIGTERM (a `kill`) during the run ends it like Ctrl-C: the store is left consistent and
    the run marked 中断. Returns the function that puts the old handler back."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        return lambda: None

    def interrupt(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, old)


def _report(store: Store, run_id: int, args: argparse.Namespace, err, tally: Tally, total: int) -> int:  # type: ignore[no-untyped-def]
    """Outputs from the store, the summary, the exit code."""
    if args.xlsx:
        from ..audit.xlsx import LINKS_LIMIT, write_audit_xlsx

        links = total <= LINKS_LIMIT
        path = write_audit_xlsx(store.records(run_id), args.xlsx, _sources(store, run_id), links=links)
        err.print(f"审核工作簿已写入：{path}")
    if args.jsonl:
        err.print(f"JSON Lines 已写入：{write_jsonl(store.records(run_id), args.jsonl)}")
    if args.csv:
        err.print(f"CSV 已写入：{write_csv(store.records(run_id), args.csv)}")
    if args.json:
        if total > 1000:
            print("提示：文件很多时建议用 --jsonl 输出（每行一个文件，可边读边处理）", file=sys.stderr)
        dump_json(store.records(run_id), sys.stdout)
    elif total <= TABLE_LIMIT:
        show_summary(list(store.records(run_id)), detail=args.detail)
    else:
        _show_counts(store, run_id, args)
    if tally.reused:
        err.print(f"其中 {tally.reused} 个文件内容未变，沿用审核结果库中的结果。")
    unreadable = store.conn.execute(
        "SELECT f.error FROM files f JOIN run_files rf ON rf.file = f.id AND rf.run = ? WHERE f.error != ''"
        " ORDER BY f.path LIMIT ?", (run_id, ERRORS_SHOWN + 1),
    ).fetchall()  # fmt: skip
    totals = store.totals(run_id)
    for (error,) in unreadable[:ERRORS_SHOWN]:  # on stderr too, so that a script sees why the exit code is 2
        print(f"错误：{error}", file=sys.stderr)
    if totals["无法读取"] > ERRORS_SHOWN:
        print(f"……另有 {totals['无法读取'] - ERRORS_SHOWN} 个文件无法读取，详见输出文件或审核结果库", file=sys.stderr)
    if totals["无法读取"]:
        return 2
    return 1 if totals["有强制"] else 0


def _sources(store: Store, run_id: int) -> Iterator[str]:
    cur = store.conn.execute(
        "SELECT f.path, f.previous FROM files f JOIN run_files rf ON rf.file = f.id AND rf.run = ?", (run_id,)
    )
    while rows := cur.fetchmany(1000):
        for path, previous in rows:
            yield path
            if previous:
                yield previous


def _show_counts(store: Store, run_id: int, args: argparse.Namespace) -> None:
    """A big run on the terminal: counts only; where the details are."""
    out = console()
    t = store.totals(run_id)
    rules = store.conn.execute(
        "SELECT rule, COUNT(*) FROM run_findings WHERE run = ? GROUP BY rule", (run_id,)
    ).fetchall()
    if rules:
        from ..spec import SPEC

        rank = {r.id: i for i, r in enumerate(SPEC.rules)}
        ordered = sorted(rules, key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
        out.print("按规则统计：" + "，".join(f"{k} {v} 处" for k, v in ordered))
    out.print(
        Text(
            f"共 {t['文件']} 个文件：{t['有强制']} 个有强制错误，"
            + (f"{t['有待核']} 个有待核（无强制错误）、须人工核定，" if t["有待核"] else "")
            + f"{t['只有提示']} 个只有提示，{t['通过']} 个通过，{t['无法读取']} 个无法读取。",
            style="bold",
        )
    )
    where = [o for o in (args.xlsx, args.jsonl, args.csv, args.db) if o]
    out.print(
        f"文件较多，逐个文件的结果未在此列出，见：{'、'.join(where)}" if where
        else "文件较多，逐个文件的结果未在此列出；请加 --xlsx、--csv、--jsonl 或 --db 保存明细"
    )


def _same(a: Path, b: str) -> bool:
    from ..io.safety import same_file

    return Path(b).exists() and same_file(a, b)


def show_summary(records: list[AuditRecord], detail: bool = False) -> None:
    out = console()
    if len(records) == 1 and not records[0].error:
        r = records[0]
        _print_single(r, out)
        return
    table = Table(title="年报审核汇总", header_style="bold", show_lines=False)
    doubt = any(r.pending for r in records if not r.error)  # the 待核 column when some file has one
    names = ("文件", "机关", "年度", "层级", "强制") + (("待核",) if doubt else ()) + ("提示", "结论")
    for name in names:
        short = name in ("年度", "层级", "强制", "待核", "提示")
        table.add_column(name, no_wrap=short, overflow="ellipsis" if short else "fold")
    for r in records:
        if r.error:
            table.add_row(*[Path(r.source).name] + [""] * (len(names) - 2), Text(r.error, style="magenta"))
            continue
        m = r.meta
        conclusion = (
            Text("有强制错误", style="bold red") if r.hard
            else Text("有待核", style="bold cyan") if r.pending
            else Text("有提示", style="yellow") if r.findings else Text("通过", style="green")
        )
        table.add_row(
            Path(r.source).name, m.get("agency", ""), str(m.get("year") or ""), m.get("level", ""),
            str(r.hard), *([str(r.pending)] if doubt else []), str(r.soft), conclusion,
        )
    out.print(table)
    usable = [r for r in records if not r.error]
    rules = Counter(f.rule for r in usable for f in r.shown)
    cells = Counter(f.rule for r in usable for f in r.findings)  # before blanks were grouped by row
    if rules:
        from ..spec import SPEC

        rank = {r.id: i for i, r in enumerate(SPEC.rules)}  # the spec's order, as in the findings lists
        ordered = sorted(rules.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
        out.print(
            "按规则统计："
            + "，".join(f"{k} {v} 处" + (f"（{cells[k]} 格）" if cells[k] != v else "") for k, v in ordered)
        )
    bad = sum(1 for r in records if r.error)
    pending = sum(1 for r in usable if r.pending and not r.hard)
    out.print(
        Text(
            f"共 {len(records)} 个文件：{sum(1 for r in usable if r.hard)} 个有强制错误，"
            + (f"{pending} 个有待核（无强制错误）、须人工核定，" if pending else "")
            + f"{sum(1 for r in usable if r.findings and not r.hard and not r.pending)} 个只有提示，"
            f"{sum(1 for r in usable if not r.findings)} 个通过，{bad} 个无法读取。",
            style="bold",
        )
    )
    if detail:
        for r in usable:
            if r.findings:
                _print_single(r, out)


def _report_of(r: AuditRecord) -> Report:
    """The audited report's metadata as a Report (the record keeps only its meta)."""
    return Report(meta=Meta(**{k: v for k, v in r.meta.items() if k in Meta.__dataclass_fields__}), source=r.source)


def _print_single(r: AuditRecord, out) -> None:  # type: ignore[no-untyped-def]
    show_findings(r.findings, _report_of(r), out)
    if r.previous:
        out.print(Text(f"上年报告：{r.previous}", style="dim"))
