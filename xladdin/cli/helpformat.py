"""argparse help for Chinese text: wrapped by display width (a CJK character takes two
columns), broken between characters but never inside a Latin word or option, never before a
closing mark (，。）…) nor after an opening one (（“…), columns aligned by display width, and
section headings with the full-width colon of "用法：".
"""

from __future__ import annotations

import argparse
import re
import unicodedata

# Marks a line may not start with / end with (the usual Chinese line-breaking rules).
NO_BREAK_BEFORE = frozenset("，。、；：？！）》」』”’】〕〉…—·%,.;:?!)]}")
NO_BREAK_AFTER = frozenset("（《「『“‘【〔〈([{")
# A token: a run of spaces, a run of characters that are neither spaces nor wide (a Latin
# word, a number, an option such as --include-errors, a path), or one wide character.
_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+|.")


# The pieces of a usage line: a bracketed group (may hold "[文件 ...]"), or a word.
_USAGE_PART = re.compile(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]|\([^()]*\)|\S+")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _units(text: str) -> list[str]:
    """Unbreakable pieces of `text`: tokens with closing marks glued to what precedes them and
    opening marks to what follows."""
    units: list[str] = []
    for tok in _TOKEN.findall(text):
        if units and not units[-1].isspace() and not tok.isspace():
            if tok[0] in NO_BREAK_BEFORE or units[-1][-1] in NO_BREAK_AFTER:
                units[-1] += tok
                continue
        units.append(tok)
    return units


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns (a single unit wider than that stands on its own line)."""
    lines: list[str] = []
    line, used = "", 0
    for unit in _units(text):
        w = display_width(unit)
        if unit.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + unit, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseHelpFormatter(argparse.HelpFormatter):
    """HelpFormatter that measures and wraps by display width and writes "参数：" headings."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, width)
        self._headings: set[str] = set()

    def start_section(self, heading: str | None) -> None:
        if heading:
            self._headings.add(heading)
        super().start_section(heading)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            length = max(map(display_width, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, length)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:
            text = re.sub(rf"(?m)^(\s*){re.escape(heading)}:$", rf"\g<1>{heading}：", text)
        return text

    def _format_usage(self, usage, actions, groups, prefix) -> str:  # type: ignore[no-untyped-def]
        # argparse's usage on one line, then wrapped here by display width (argparse counts
        # characters, so a usage with Chinese metavars ran past the terminal's edge)
        width, self._width = self._width, 10**6
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width = width
        line = text.strip("\n")
        head = f"{prefix if prefix is not None else argparse._('usage: ')}{self._prog} "
        if usage is not None or not line.startswith(head) or display_width(line) <= width:
            return text
        indent, lines, current = display_width(head), [], head.rstrip()
        for part in _USAGE_PART.findall(line[len(head):]):
            if display_width(current) + 1 + display_width(part) > width and current.strip() != head.strip():
                lines.append(current)
                current = " " * (indent - 1)
            current += " " + part
        lines.append(current)
        return "\n".join(lines) + "\n\n"

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        body = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in wrap(body, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        # argparse's own, with the invocation's padding computed by display width
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        if not action.help:
            parts = [f"{' ' * self._current_indent}{header}\n"]
            first_help = None
        elif display_width(header) <= action_width:
            pad = " " * (action_width - display_width(header))
            parts = [f"{' ' * self._current_indent}{header}{pad}  "]
            first_help = 0
        else:
            parts = [f"{' ' * self._current_indent}{header}\n"]
            first_help = help_position
        if action.help and action.help.strip():
            lines = self._split_lines(self._expand_help(action), help_width)
            if lines:
                parts.append(f"{' ' * (first_help or 0)}{lines[0]}\n")
                parts += [f"{' ' * help_position}{line}\n" for line in lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class ChineseArgumentParser(argparse.ArgumentParser):
    """ArgumentParser whose help (and its subcommands' help) uses ChineseHelpFormatter."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


__all__ = ["ChineseArgumentParser", "ChineseHelpFormatter", "display_width", "wrap"]
