"""The add-in's VBA project: sources and a source-only vbaProject.bin (MS-OVBA).

Sources are the repository's `macros/*.bas` plus xlwings' own VBA, taken from the installed
xlwings package at build time (`xlwings_custom_addin.bas`, which holds RunPython, and
`addin/Dictionary.cls`, which it needs on macOS). Taking them from the installed package keeps
the DLL names in its `Declare` lines equal to the xlwings version the interpreter has.

The binary is written by vbaproject.py: source code only, no compiled p-code, so Excel
compiles it on first load. Every module is stored as the VBA editor stores it: its attributes
first (VB_Name, and for classes and document modules VB_Base … VB_Customizable), then the code.
That Excel accepts it is verified only by the manual Windows smoke test (docs/excel.md);
`xladdin addin build --via-excel` is the authoritative path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

PROJECT_NAME = "xladdin"  # xlwings' PROJECT_NAME: config sheet "xladdin.conf", ~/.xladdin/xladdin.conf
REPO_ROOT = Path(__file__).resolve().parents[2]
# macros/ at the repository root is the source; xladdin/excel/macros is a symlink to it, which
# setuptools copies into the wheel, so an installed package finds the same files.
_PACKAGED = Path(__file__).resolve().parent / "macros"
MACROS_DIR = _PACKAGED if _PACKAGED.is_dir() else REPO_ROOT / "macros"

# VB_Base of the stored modules (MS-OVBA): Excel's Workbook and Worksheet type libraries for
# document modules, the generic class-module GUID for classes.
WORKBOOK_BASE = "00020819-0000-0000-C000-000000000046"
SHEET_BASE = "00020820-0000-0000-C000-000000000046"
CLASS_BASE = "FCFB3D2A-A0FA-1068-A738-08002B3371B5"
_HEADER = ("VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId", "VB_Exposed",
           "VB_TemplateDerived", "VB_Customizable")
_DEFAULTS = {  # kind -> values of _HEADER[2:] when the source does not give them
    "class": ("False", "False", "False", "False", "False", "False"),
    "document": ("False", "False", "True", "True", "False", "True"),
}
MODULE_ATTRIBUTE = re.compile(r"^Attribute (VB_\w+) = ")


@dataclass(frozen=True)
class VbaModule:
    name: str  # VB_Name
    kind: str  # "module" (.bas), "class" (.cls) or "document" (ThisWorkbook, sheets)
    code: str  # source as exported by the VBA editor (.bas/.cls text), "\n" line ends
    base: str = ""  # VB_Base GUID: a document module's host type (classes get CLASS_BASE)

    @property
    def body(self) -> str:
        """The module as stored in the project (what olevba reads back): .cls header removed,
        module attributes first and complete, then the code."""
        lines = _strip_class_header(self.code).split("\n")
        n = 0
        while n < len(lines) and MODULE_ATTRIBUTE.match(lines[n]):
            n += 1
        header, code = lines[:n], lines[n:]
        if self.kind == "module":
            return "\n".join([f'Attribute VB_Name = "{self.name}"'] + [h for h in header if "VB_Name" not in h]
                             + code)
        given = {MODULE_ATTRIBUTE.match(h).group(1): h for h in header}  # type: ignore[union-attr]
        base = self.base or CLASS_BASE
        values = [f'"{self.name}"', f'"0{{{base}}}"', *_DEFAULTS[self.kind]]
        ordered = [given.pop(key, f"Attribute {key} = {value}") for key, value in zip(_HEADER, values, strict=True)]
        ordered[0] = f'Attribute VB_Name = "{self.name}"'
        return "\n".join(ordered + list(given.values()) + code)


def _strip_class_header(code: str) -> str:
    lines = code.split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = next(i for i, line in enumerate(lines) if line.strip() == "END")
        lines = lines[end + 1 :]
    return "\n".join(lines)


def _read_source(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        # The project is written with code page 1252; Chinese text belongs in Python, not VBA.
        raise InputError("VBA 源文件只能包含 ASCII 字符（中文提示请放在 Python 中）", path=str(path)) from exc
    return text.replace("\r\n", "\n")


def xlwings_dir() -> Path:
    import xlwings  # the only place besides xlbook/udfs that needs the package

    return Path(xlwings.__file__).resolve().parent


def xlwings_modules() -> list[VbaModule]:
    """xlwings' RunPython module (PROJECT_NAME patched) and its Dictionary class."""
    base = xlwings_dir()
    src = base / "xlwings_custom_addin.bas"
    dictionary = base / "addin" / "Dictionary.cls"
    for p in (src, dictionary):
        if not p.exists():
            raise InputError("已安装的 xlwings 中找不到该 VBA 源文件（请安装 xlwings 0.30 以上版本）", path=str(p))
    code, n = re.subn(
        r'^Public Const PROJECT_NAME As String = "[^"]*"',
        f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"',
        _read_source(src),
        flags=re.M,
    )
    if n != 1:
        raise InputError("xlwings 的 VBA 模块格式已变化，找不到 PROJECT_NAME 常量", path=str(src))
    return [VbaModule("xlwings", "module", code), VbaModule("Dictionary", "class", _read_source(dictionary))]


def project_modules(macros_dir: Path = MACROS_DIR) -> list[VbaModule]:
    """Our .bas/.cls from macros/ followed by xlwings' modules."""
    mods = []
    for path in sorted(macros_dir.glob("*.bas")) + sorted(macros_dir.glob("*.cls")):
        code = _read_source(path)
        m = re.search(r'^Attribute VB_Name = "([^"]+)"', code, flags=re.M)
        if not m:
            raise InputError("VBA 源文件缺少 Attribute VB_Name 行", path=str(path))
        mods.append(VbaModule(m.group(1), "module" if path.suffix == ".bas" else "class", code))
    return mods + xlwings_modules()


def document_module(name: str, body: str = "") -> VbaModule:
    """ThisWorkbook or a sheet's module (Excel pairs them with the workbook's code names)."""
    return VbaModule(name, "document", body, WORKBOOK_BASE if name == "ThisWorkbook" else SHEET_BASE)


def compile_project(modules: list[VbaModule], sheet_codenames: list[str], this_workbook: str = "") -> bytes:
    """A vbaProject.bin holding ThisWorkbook (with code `this_workbook`), one document module
    per sheet, and `modules`."""
    from . import vbaproject

    docs = [document_module("ThisWorkbook", this_workbook)] + [document_module(n) for n in sheet_codenames]
    return vbaproject.write([vbaproject.Module(m.name, m.kind, m.body) for m in docs + modules])


def read_back(vba_bin_or_file: bytes | str | Path) -> dict[str, str]:
    """Modules of a vbaProject.bin / .xlsm / .xlam as olevba reads them: name -> code ("\\n" ends)."""
    from oletools.olevba import VBA_Parser

    if isinstance(vba_bin_or_file, bytes):
        parser = VBA_Parser("vbaProject.bin", data=vba_bin_or_file)
    else:
        parser = VBA_Parser(str(vba_bin_or_file))
    try:
        out = {}
        for _, _, filename, code in parser.extract_macros():
            name = filename.rsplit(".", 1)[0]
            out[name] = code.replace("\r\n", "\n")
        return out
    finally:
        parser.close()
