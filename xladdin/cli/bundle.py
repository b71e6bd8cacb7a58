"""`xladdin bundle -o 离线安装包/ [--platform …] [--python …] [--ocr]`: the offline installer
for PCs with no internet and no admin rights (xladdin/bundle.py)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..bundle import DEFAULT_PLATFORMS, DEFAULT_PYTHONS, PLATFORMS

    p = sub.add_parser(
        "bundle",
        help="生成离线安装包（U 盘拷贝到不联网、无管理员权限的电脑上安装）",
        description="生成离线安装包：xladdin 及全部依赖的 wheel（每个平台、每个 Python 版本）、Windows 安装程序“安装.cmd”、"
        "Linux 安装程序 install.sh 和“安装说明.txt”。安装时为当前用户建立独立的 Python 环境，只用安装包中的文件"
        "（不联网、不需要管理员权限），并安装 Excel 加载项。生成安装包的电脑需要能访问软件包仓库，且须在 xladdin 源码目录中运行。"
        "退出码：0 完成，2 无法生成。",
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="文件夹", help="输出文件夹（须为新的或空的文件夹）")
    p.add_argument("--platform", action="append", choices=PLATFORMS, metavar="平台",
                   help=f"目标平台，可重复（{'、'.join(PLATFORMS)}；默认 {'、'.join(DEFAULT_PLATFORMS)}）")
    p.add_argument("--python", action="append", metavar="版本",
                   help=f"目标 Python 版本，可重复（默认 {'、'.join(DEFAULT_PYTHONS)}）")
    p.add_argument("--ocr", action="store_true", help="同时打包文字识别组件（读取扫描件用，约多 290 MB；安装时用“安装.cmd ocr”）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..bundle import WHEELS, build, megabytes

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    bundle = build(args.output, args.platform, args.python, ocr=args.ocr, log=log)
    print(f"离线安装包已生成：{bundle.folder}（xladdin {bundle.version}{'，含文字识别组件' if bundle.ocr else ''}，"
          f"用时 {bundle.seconds:.0f} 秒）")
    total = {p.name: p.stat().st_size for p in (bundle.folder / WHEELS).glob("*.whl")}
    for platform in dict.fromkeys(t.platform for t in bundle.targets):
        files = bundle.platform_files(platform)
        print(f"  {platform}：{len(files)} 个 wheel，{megabytes(bundle.size(files))}")
    if bundle.built:
        print(f"  在本机由源码构建（纯 Python）：{'、'.join(bundle.built)}")
    print(f"  合计 {len(total)} 个文件，{megabytes(sum(total.values()))}；安装：Windows 双击“安装.cmd”，Linux 运行 bash install.sh")
    return 0
