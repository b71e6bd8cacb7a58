"""Fonts, fills, borders and protection flags of the template, in one place."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

FONT_NAME = "宋体"
HEADING_FONT_NAME = "黑体"

BODY = Font(name=FONT_NAME, size=10.5)
BOLD = Font(name=FONT_NAME, size=10.5, bold=True)
TITLE = Font(name=HEADING_FONT_NAME, size=14)
HEADING = Font(name=HEADING_FONT_NAME, size=12)
NOTE = Font(name=FONT_NAME, size=9, color="595959")

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
DERIVED_FILL = PatternFill("solid", fgColor="E2EFDA")  # pale green: computed by formula
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")  # light grey: official labels

# Conditional formats
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
FAIL_FONT = Font(color="9C0006", bold=True)
WARN_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
WARN_FONT = Font(color="9C5700")
PASS_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
PASS_FONT = Font(color="006100", bold=True)

_THIN = Side(style="thin", color="000000")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
VERTICAL = Alignment(horizontal="center", vertical="center", wrap_text=True, text_rotation=255)

UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

COUNT_FORMAT = "General"  # a fraction typed by mistake must stay visible, not be rounded
AMOUNT_FORMAT = "General"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
