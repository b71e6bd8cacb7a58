"""`xladdin template [-o PATH]`: generate the template workbook from the spec."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError, OutputError, describe, os_reason


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..names import TEMPLATE_NAME

    p = subparsers.add_parser(
        "template",
        help="生成空白模板工作簿（基本信息、正文、表二至表四、校验、说明）",
        description="按国办公开办函〔2021〕30号格式生成年度报告模板工作簿。",
    )
    p.add_argument(
        "-o", "--output", type=Path, default=None, metavar="路径",
        help=f"输出文件（默认：源码目录中为 templates/{TEMPLATE_NAME}，已安装的包为当前文件夹中的 {TEMPLATE_NAME}）",
    )
    p.add_argument(
        "--check", action="store_true",
        help="不写文件，只核对已有模板是否与按格式新生成的一致（不一致时退出码 1）",
    )
    p.add_argument("--force", action="store_true", help="输出文件已存在且不是空白模板时也替换它（默认拒绝，以免覆盖已填写的年报）")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from ..template import write_template

    out: Path = args.output or default_output()
    if args.check:
        return check(out)
    if out.suffix.lower() not in (".xlsx",):
        raise InputError("模板只能保存为 .xlsx 文件", path=str(out))
    if out.exists() and out.is_dir():
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=str(out))
    from ..io.outputs import claim

    claim(out, kind="template", force=args.force)  # a blank template is replaced, a filled report never
    try:
        path = write_template(out)
    except OSError as exc:
        raise OutputError(f"无法写入模板：{os_reason(exc)}", path=str(out)) from exc
    print(f"已生成模板：{path}")
    return 0


def default_output() -> Path:
    """templates/ of the source tree (the committed template); for an installed package,
    whose templates/ would be a stray folder in site-packages, the current folder."""
    from ..template import TEMPLATE_NAME, TEMPLATE_PATH

    if (TEMPLATE_PATH.parents[1] / "pyproject.toml").is_file():
        return TEMPLATE_PATH
    return Path.cwd() / TEMPLATE_NAME


def check(path: Path) -> int:
    import zipfile

    import openpyxl

    from ..template import build_workbook
    from ..template.snapshot import differences, snapshot

    if not path.is_file():
        raise InputError("模板文件不存在", path=str(path))
    try:
        existing = openpyxl.load_workbook(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"无法读取模板：{describe(exc)}", path=str(path)) from exc
    diff = differences(snapshot(build_workbook()), snapshot(existing))
    if not diff:
        print(f"模板与格式一致：{path}")
        return 0
    print(f"模板已过期，请运行 xladdin template 重新生成：{path}")
    for line in diff:
        print(f"  {line}")
    return 1
