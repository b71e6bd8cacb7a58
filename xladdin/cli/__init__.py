"""Command line: `xladdin <command>`. Each command lives in its own module with `register()`.

Commands are thin: they parse arguments, call the core, print. A user-facing error
(`XladdinError`) becomes a Chinese message on stderr and exit code 2, never a traceback.
Ctrl-C ends with "已中断。" whenever it comes: while the command runs, while its modules are
imported, or while this package itself is (the hook below, set before anything else).
Everything printed goes through cli/terminal.py (no control character reaches the terminal).
"""

from __future__ import annotations

import sys

INTERRUPTED = "已中断。"


def _interrupted_hook(kind, value, tb, _previous=sys.excepthook) -> None:  # noqa: ANN001
    """Ctrl-C before main() could catch it (while modules load): one Chinese line, no traceback."""
    if issubclass(kind, KeyboardInterrupt):
        try:
            sys.stderr.write(INTERRUPTED + "\n")
        except (OSError, ValueError):
            pass
        return
    _previous(kind, value, tb)


sys.excepthook = _interrupted_hook

import argparse  # noqa: E402 - after the hook: Ctrl-C while these load is caught too
import importlib  # noqa: E402
import os  # noqa: E402

from .. import __version__  # noqa: E402
from ..errors import XladdinError, os_reason  # noqa: E402
from .helpformat import ChineseArgumentParser  # noqa: E402

# Modules under xladdin.cli that define register(subparsers). Add a line to add a command.
COMMAND_MODULES: list[str] = [
    "template", "fill", "draft", "check", "dump", "demo", "audit", "export", "addin", "importer", "rollup", "serve", "wps",
    "bundle", "roster", "review", "notices", "overview",
]


# argparse's own words (usage, section titles, errors) in Chinese: users read Chinese, and
# "error: the following arguments are required" was the one English message they could meet.
ARGPARSE_TEXT = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "至多一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
}


def _chinese(text: str) -> str:
    return ARGPARSE_TEXT.get(text, text)


argparse._ = _chinese  # type: ignore[attr-defined]  # argparse looks its messages up through _()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """All commands; with `only` (a module name), just that one, so that `xladdin check`
    does not import the dependencies of every other command (~1 s of start-up)."""
    parser = ChineseArgumentParser(
        prog="xladdin",
        description="政府信息公开工作年度报告：模板、运算、审核、导出与批量审核（国办公开办函〔2021〕30号格式）",
    )
    parser.add_argument("--version", action="version", version=f"xladdin {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES if only is None else [only]:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        from .terminal import visible_output

        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(encoding="utf-8")
        with visible_output():
            code = _main(argv)
    except KeyboardInterrupt:  # before the command began (parsing, imports) or after it ended
        print(INTERRUPTED, file=sys.stderr)
        code = 130
    if argv is None:  # the process's own command line: a Ctrl-C while Python shuts down (after
        # the command has said everything) ends it at once with the command's own exit code
        import signal

        signal.signal(signal.SIGINT, lambda *_: os._exit(code))
    return code


def _main(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    first = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(first if first in COMMAND_MODULES else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    # A failed write leaves library objects whose clean-up fails again at exit ("Exception
    # ignored in ZipFile.__del__ … Traceback" after our message): the message said it all.
    sys.unraisablehook = lambda _unraisable: None
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _pipe_closed()
    except XladdinError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except OSError as exc:  # writing the terminal output failed (a full disk, a file-size limit)
        _pipe_closed()  # stdout to /dev/null: the flush at exit cannot fail again
        print(f"错误：无法输出结果（{os_reason(exc)}）", file=sys.stderr)
        return 2


def _pipe_closed() -> int:
    """The reader of our output went away (`xladdin dump 年报.xlsx | head`): stop quietly, as
    cat and grep do, instead of a BrokenPipeError traceback; later writes go nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
