"""The add-in's VBA project: sources and a source-only vbaProject.bin (MS-OVBA).

Sources are the repository's `macros/*.bas` plus xlwings' own VBA, taken from the installed
xlwings package at build time (`xlwings_custom_addin.bas`, which holds RunPython, and
`addin/Dictionary.cls`, which it needs on macOS). Taking them from the installed package keeps
the DLL names in its `Declare` lines equal to the xlwings version the interpreter has.

The binary is written with the pure-Python `ms-ovba` package: source code only, no compiled
p-code, so Excel compiles it on first load. That Excel accepts it is verified only by the manual
Windows smoke test (docs/excel.md); `xladdin addin build --via-excel` is the authoritative path.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

PROJECT_NAME = "xladdin"  # xlwings' PROJECT_NAME: config sheet "xladdin.conf", ~/.xladdin/xladdin.conf
REPO_ROOT = Path(__file__).resolve().parents[2]
# macros/ at the repository root is the source; xladdin/excel/macros is a symlink to it, which
# setuptools copies into the wheel, so an installed package finds the same files.
_PACKAGED = Path(__file__).resolve().parent / "macros"
MACROS_DIR = _PACKAGED if _PACKAGED.is_dir() else REPO_ROOT / "macros"

# Type-library GUIDs of Excel's document modules (MS-OVBA: VB_Base of ThisWorkbook / a worksheet).
_WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")
_SHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")
_LOCK = threading.Lock()  # ms-ovba writes into the current directory


@dataclass(frozen=True)
class VbaModule:
    name: str  # VB_Name
    kind: str  # "module" (.bas), "class" (.cls) or "document" (ThisWorkbook, sheets)
    code: str  # source as exported by the VBA editor (.bas/.cls text), "\n" line ends

    @property
    def body(self) -> str:
        """The code as stored in the project (what olevba reads back): .cls header removed."""
        if self.kind == "module":
            return self.code
        return _strip_class_header(self.code)


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
    code = (
        "VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\nEND\n"
        f'Attribute VB_Name = "{name}"\n'
        "Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\nAttribute VB_Exposed = True\n"
    )
    return VbaModule(name, "document", code + body)


def compile_project(modules: list[VbaModule], sheet_codenames: list[str], this_workbook: str = "") -> bytes:
    """A vbaProject.bin holding ThisWorkbook (with code `this_workbook`), one document module
    per sheet, and `modules`."""
    from ms_ovba_compression.ms_ovba import MsOvba

    from .ovba import compress

    docs = [document_module("ThisWorkbook", this_workbook)] + [document_module(n) for n in sheet_codenames]
    original = MsOvba.compress
    with _LOCK, tempfile.TemporaryDirectory(prefix="xladdin-vba-") as tmp, contextlib.chdir(tmp):
        MsOvba.compress = lambda self, data: compress(bytes(data))  # see ovba.py: theirs corrupts
        try:
            return _write_project(Path(tmp), docs + modules)
        finally:
            MsOvba.compress = original


_REFERENCES = (  # what Excel itself writes into a new project
    ("00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb", "OLE Automation", "stdole"),
    (
        "2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
        r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
        "Microsoft Office 16.0 Object Library",
        "Office",
    ),
)


def _write_project(tmp: Path, modules: list[VbaModule]) -> bytes:
    """ms-ovba writes its streams into the current directory (`tmp`)."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    class ClassModule(DocModule):
        """A class module: stored like a document module (type 0x22), listed as Class= in PROJECT."""

        def to_project_module_string(self) -> str:
            return "Class=" + self.modName.value

        def normalize_file(self) -> None:
            text = _strip_class_header(Path(self._file_path).read_text(encoding="ascii"))
            Path(self._file_path + ".new").write_bytes(text.replace("\n", "\r\n").encode("ascii"))

    project = VbaProject()
    project.project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xladdin")).upper() + "}"
    for mod in modules:
        path = tmp / f"{mod.name}.src"
        path.write_text(mod.code.replace("\n", "\r\n"), encoding="ascii", newline="")
        if mod.kind == "module":
            entity = StdModule(mod.name)
        elif mod.kind == "class":
            entity = ClassModule(mod.name)
        else:
            entity = DocModule(mod.name)
            entity.add_guid(_WORKBOOK_GUID if mod.name == "ThisWorkbook" else _SHEET_GUID)
        entity.add_file(str(path))
        entity.normalize_file()
        project.add_module(entity)
    for guid, path, desc, name in _REFERENCES:
        libid = LibidReference(uuid.UUID(guid), "2.0", "0", path, desc)
        project.add_reference(Reference(ReferenceRegistered(libid), name))
    ProjectOleFile.write_file(project)
    return (tmp / "vbaProject.bin").read_bytes()


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
