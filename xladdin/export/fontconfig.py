"""Fontconfig aliases so the official font names render with installed CJK fonts.

`fonts.conf` in this package is generated from the default fallbacks (a test keeps it in step).
Aliases use <accept> with binding "same": the stand-in goes right after the official name, so a
real 仿宋_GB2312 (from the user font folder) still wins, and a missing one falls to Noto CJK
instead of DejaVu Sans (which has no CJK glyphs).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from .settings import DEFAULT_FALLBACKS, ExportSettings

SYSTEM_CONF = "/etc/fonts/fonts.conf"
# 小标宋 is a heavy Song face: its free stand-in is the Bold weight of Noto Serif CJK. The rule
# changes only the request's weight; a real 小标宋 file still matches by family first.
HEAVY = ("方正小标宋简体", "方正小标宋_GBK")


def packaged_conf() -> Path:
    return Path(str(resources.files(__package__).joinpath("fonts.conf")))


def render_conf(fallbacks: dict[str, tuple[str, ...]], font_dir: Path | None = None) -> str:
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<!-- xladdin: official 公文 font names -> installed CJK fonts (Debian fonts-noto-cjk,",
        "     fonts-arphic-ukai). Use: FONTCONFIG_FILE=<this file> soffice ... -->",
        "<fontconfig>",
    ]
    if font_dir is not None:
        lines.append(f"  <dir>{escape(str(font_dir))}</dir>")
    for name, stand_ins in fallbacks.items():
        lines.append('  <alias binding="same">')
        lines.append(f"    <family>{escape(name)}</family>")
        lines.append("    <accept>" + "".join(f"<family>{escape(f)}</family>" for f in stand_ins) + "</accept>")
        lines.append("  </alias>")
    for name in HEAVY:
        lines += [
            '  <match target="pattern">',
            f'    <test name="family" qual="first"><string>{escape(name)}</string></test>',
            '    <edit name="weight" mode="assign"><const>bold</const></edit>',
            "  </match>",
        ]
    lines.append(f'  <include ignore_missing="yes">{SYSTEM_CONF}</include>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def conf_for(settings: ExportSettings, scratch: Path) -> Path:
    """The config file LibreOffice should use: the packaged one, or one written to `scratch`
    when the settings add a font folder or change the fallbacks."""
    if settings.font_dir is None and settings.fallbacks == DEFAULT_FALLBACKS:
        return packaged_conf()
    path = scratch / "fonts.conf"
    path.write_text(render_conf(settings.fallbacks, settings.font_dir), encoding="utf-8")
    return path
