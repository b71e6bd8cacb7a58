"""`xladdin template [-o PATH]`: generate the template workbook from the spec."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError, OutputError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..template import TEMPLATE_PATH

    p = subparsers.add_parser(
        "template",
        help="生成空白模板工作簿（基本信息、正文、表二至表四、校验、说明）",
        description="按国办公开办函〔2021〕30号格式生成年度报告模板工作簿。",
    )
    p.add_argument(
        "-o", "--output", type=Path, default=TEMPLATE_PATH, metavar="路径",
        help=f"输出文件（默认 {TEMPLATE_PATH}）",
    )
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from ..template import write_template

    out: Path = args.output
    if out.suffix.lower() not in (".xlsx",):
        raise InputError("模板只能保存为 .xlsx 文件", path=str(out))
    if out.exists() and out.is_dir():
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=str(out))
    try:
        path = write_template(out)
    except OSError as exc:
        raise OutputError(f"无法写入模板：{exc.strerror or exc}", path=str(out)) from exc
    print(f"已生成模板：{path}")
    return 0
