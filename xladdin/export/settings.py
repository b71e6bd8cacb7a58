"""Export settings: which font names go into the documents, and where licensed fonts live.

The official 公文 fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are commercial or
Windows-only, so the names are a setting. The documents always carry the names (so a Windows
machine with the real fonts shows the real look); the PDF renderer maps them to installed free
fonts through fontconfig, unless a user font folder supplies the real files.

Sources, later ones win: defaults, a JSON file (`XLADDIN_EXPORT_SETTINGS` or
~/.config/xladdin/export.json), the `XLADDIN_FONT_DIR` environment variable, explicit arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError
from ..jsonfile import read_json

# Role -> official font name written into the documents.
DEFAULT_FONTS: dict[str, str] = {
    "title": "方正小标宋简体",  # 2号 title
    "body": "仿宋_GB2312",  # 3号 body text
    "heading1": "黑体",  # 一、
    "heading2": "楷体_GB2312",  # （一）
    "table": "仿宋_GB2312",  # table body text
    "table_header": "黑体",  # table headers and block titles
    "page_number": "宋体",  # "— 1 —"
}

# Official name -> free fonts that stand in for it when rendering PDF (first installed wins).
DEFAULT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("仿宋", "FangSong", "Noto Serif CJK SC"),
    "仿宋": ("FangSong", "Noto Serif CJK SC"),
    "FangSong": ("Noto Serif CJK SC",),
    "方正小标宋简体": ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),
    "方正小标宋_GBK": ("Noto Serif CJK SC",),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
    "SimSun": ("Noto Serif CJK SC",),
    "黑体": ("SimHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    "楷体_GB2312": ("楷体", "KaiTi", "AR PL UKai CN"),
    "楷体": ("KaiTi", "AR PL UKai CN"),
    "KaiTi": ("AR PL UKai CN",),
}

SETTINGS_ENV = "XLADDIN_EXPORT_SETTINGS"
FONT_DIR_ENV = "XLADDIN_FONT_DIR"


@dataclass(frozen=True)
class ExportSettings:
    fonts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FONTS))
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FALLBACKS))
    font_dir: Path | None = None  # folder with licensed font files, used for PDF rendering
    latin_font: str | None = None  # font for digits and Latin text; None = the role's CJK font
    soffice: str | None = None  # path to soffice; None = search PATH
    timeout: float = 180.0  # seconds for one LibreOffice call (a batch adds per document)

    def font(self, role: str) -> str:
        return self.fonts.get(role) or DEFAULT_FONTS[role]

    def with_font_dir(self, folder: str | Path | None) -> ExportSettings:
        if not folder:
            return self
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise InputError("字体文件夹不存在", path=str(path))
        return replace(self, font_dir=path)


def _settings_file() -> Path | None:
    env = os.environ.get(SETTINGS_ENV)
    if env:
        return Path(env)
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    candidate = home / "xladdin" / "export.json"
    return candidate if candidate.is_file() else None


def load_settings(path: str | Path | None = None, font_dir: str | Path | None = None) -> ExportSettings:
    """Settings from defaults, the settings file, the environment and the arguments."""
    settings = ExportSettings()
    file = Path(path) if path else _settings_file()
    if file is not None:
        try:
            data = read_json(file, 1 << 20)
        except InputError as exc:
            raise InputError(f"导出设置文件无法使用（{exc}）") from exc
        if not isinstance(data, dict):
            raise InputError("导出设置文件应为 JSON 对象", path=str(file))
        fonts = dict(settings.fonts)
        unknown = set(data.get("fonts", {})) - set(DEFAULT_FONTS)
        if unknown:
            raise InputError(
                f"导出设置中的字体角色无法识别：{'、'.join(sorted(unknown))}"
                f"（可用：{'、'.join(DEFAULT_FONTS)}）",
                path=str(file),
            )
        fonts.update({k: str(v) for k, v in data.get("fonts", {}).items()})
        fallbacks = dict(settings.fallbacks)
        fallbacks.update({k: tuple(v) for k, v in data.get("fallbacks", {}).items()})
        settings = replace(
            settings,
            fonts=fonts,
            fallbacks=fallbacks,
            latin_font=data.get("latin_font") or None,
            soffice=data.get("soffice") or None,
            timeout=float(data.get("timeout", settings.timeout)),
        )
        if data.get("font_dir"):
            settings = settings.with_font_dir(data["font_dir"])
    settings = settings.with_font_dir(os.environ.get(FONT_DIR_ENV))
    return settings.with_font_dir(font_dir)
