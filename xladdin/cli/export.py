"""`xladdin export FILE... --format docx|html|md|pdf [-o OUT] [--fragment] [--force]` — 导出."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import Finding, blocking, check, group_blanks
from ..errors import InputError, XladdinError
from ..export import FORMATS, export_many, load_settings
from ..load import load_report
from ..report import Report
from .inputs import free_name, refuse_overwriting
from .progress import add_quiet, progress

DEFAULT_FORMAT = "docx"  # the 公文 a clerk prints and files
SHOWN = 10  # findings listed when an export is refused; `xladdin check` lists them all
EPILOG = (
    "退出码：0 全部导出；1 有年报存在强制错误而未导出（可加 --force 强制导出）；2 有文件无法读取或无法写出。"
    "PDF 由 LibreOffice 生成（多个文件只启动一次），中文字体按导出设置映射到已安装的字体。"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="导出年报：Word（公文格式）、网页、Markdown、PDF",
        description="把年报（工作簿、JSON 或已发布年报）导出为 Word（GB/T 9704 公文格式）、HTML、Markdown 或 PDF。"
        "导出前先审核：存在强制错误时拒绝导出并列出错误，除非加 --force。",
        epilog=EPILOG,
    )
    p.add_argument("files", nargs="+", metavar="文件", help="年报文件（.xlsx .xlsm .json .txt .md .html .docx .pdf）")
    p.add_argument(
        "--format", "-f", choices=list(FORMATS), dest="fmt", metavar="格式",
        help=f"导出格式：{'、'.join(FORMATS)}；省略时按 -o 输出文件的扩展名判断，没有扩展名时为 docx",
    )
    p.add_argument(
        "-o", "--output", metavar="输出",
        help="输出文件（仅一个输入时）或文件夹；默认写在输入文件旁，文件名相同、扩展名不同",
    )
    p.add_argument("--fragment", action="store_true", help="HTML 只输出可粘贴到网站内容管理系统的片段（无 <html>/<head>）")
    p.add_argument(
        "--force", action="store_true",
        help="即使存在强制错误也导出（表格按原样印出单元格内容）；-o 给出的输出文件已存在时替换它（默认拒绝，以免覆盖你的文件）",
    )
    p.add_argument("--font-dir", metavar="文件夹", help="存放正版字体（如仿宋_GB2312、方正小标宋简体）的文件夹，用于生成 PDF")
    p.add_argument(
        "--settings", metavar="设置.json",
        help="导出设置文件（默认 ~/.config/xladdin/export.json），例如 "
        '{"fonts": {"body": "仿宋_GB2312", "title": "方正小标宋简体"}, "font_dir": "/opt/fonts", '
        '"latin_font": "Times New Roman", "soffice": "/usr/bin/soffice"}；'
        "字体角色：title body heading1 heading2 table table_header page_number",
    )
    add_quiet(p)
    p.set_defaults(func=run)


def _targets(files: list[Path], fmt: str, output: str | None, force: bool = False) -> list[Path]:
    ext = FORMATS[fmt]
    out = Path(output) if output else None
    if out is not None and len(files) == 1 and not out.is_dir() and out.suffix:
        allowed = {ext} | ({".htm"} if fmt == "html" else {".markdown"} if fmt == "md" else set())
        if out.suffix.lower() not in allowed:
            raise InputError(f"输出文件的扩展名 {out.suffix} 与导出格式 {fmt} 不符（应为 {ext}）", path=str(out))
        refuse_overwriting(out, files, "-o 输出", force=force)
        return [out]
    looks_like_file = out is not None and out.suffix.lower() in {*FORMATS.values(), ".htm", ".markdown"}
    if out is not None and not out.is_dir() and (out.exists() or looks_like_file):
        # `-o 合并.md` with two inputs made a folder named 合并.md
        raise InputError("有多个输入文件时，-o 应为文件夹", path=str(out))
    targets: list[Path] = []
    for f in files:
        folder = out if out is not None else f.parent
        stem = f.stem
        if (folder / (stem + ext)).resolve() == f.resolve():  # never overwrite the input
            stem = f"{f.stem}-导出"
        targets.append(free_name(folder, stem, ext, targets))
    return targets


def _format(args: argparse.Namespace) -> str:
    if args.fmt:
        return args.fmt
    suffix = Path(args.output).suffix.lower() if args.output else ""
    by_suffix = {ext: fmt for fmt, ext in FORMATS.items()} | {".htm": "html", ".markdown": "md"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix and args.output and not Path(args.output).is_dir() and len(args.files) == 1:
        raise InputError(
            f"无法由输出文件的扩展名 {suffix} 判断导出格式，请用 -f 指定（{'、'.join(FORMATS)}）", path=args.output
        )
    return DEFAULT_FORMAT


def _refused(path: Path, hard: list[Finding], force: bool) -> list[str]:
    verb = "仍按 --force 导出" if force else "未导出（改正后重试，或加 --force 强制导出）"
    lines = [f"文件“{path}”有 {len(hard)} 处强制错误，{verb}："]
    lines += [f"  [{f.ref or f.rule}] {f.message}" for f in hard[:SHOWN]]
    if len(hard) > SHOWN:
        lines.append(f"  ……另有 {len(hard) - SHOWN} 处，全部问题请运行：xladdin check {path}")
    return lines


def run(args: argparse.Namespace) -> int:
    args.fmt = _format(args)
    if args.fragment and args.fmt != "html":
        raise InputError("--fragment 只适用于 --format html")
    settings = load_settings(args.settings, args.font_dir)
    files = [Path(f) for f in args.files]
    targets = _targets(files, args.fmt, args.output, args.force)
    status = 0
    accepted: list[tuple[Report, Path]] = []
    notes: list[str] = []  # printed after the progress bar, not through it
    with progress(len(files), "读取并审核", quiet=args.quiet, unit="份") as on_progress:
        for done, (path, target) in enumerate(zip(files, targets, strict=True), start=1):
            try:
                report = load_report(path)
            except XladdinError as exc:
                notes.append(f"错误：{exc}")
                status = 2
                continue
            finally:
                on_progress(done)
            hard = group_blanks(blocking(check(report)))
            if hard:
                notes += _refused(path, hard, args.force)
                if not args.force:
                    status = max(status, 1)
                    continue
            accepted.append((report, target))
    for line in notes:
        print(line, file=sys.stderr)
    if accepted:
        try:
            with progress(len(accepted), f"导出 {args.fmt.upper()}", quiet=args.quiet, unit="份") as on_progress:
                written = export_many(
                    accepted, args.fmt, settings=settings, fragment=args.fragment, on_progress=on_progress
                )
        except XladdinError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        for path in written:
            print(f"已导出：{path}")
    return status
