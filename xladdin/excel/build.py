"""Build the add-in (`xladdin.xlam`) and the macro-enabled template (`政务公开年报模板.xlsm`).

Both carry the same parts:
- a config sheet `xladdin.conf` (xlwings settings that do not depend on the machine: the UDF
  module, and not adding the workbook's folder to sys.path; the interpreter is per user and is
  written by `xladdin addin install` into %USERPROFILE%\\.xladdin\\xladdin.conf);
- the ribbon `customUI/customUI.xml` from macros/ with its relationship in `_rels/.rels`;
- `xl/vbaProject.bin` compiled from macros/*.bas plus xlwings' own RunPython module (vba.py)
  and the NB_ worksheet-function wrappers generated from udfs.py (udf_vba.py). Nothing runs
  when the workbook opens (ThisWorkbook has no code): the function wizard's Chinese texts are
  registered from Python when a button runs (XlBook.register_functions).

The add-in holds only the config sheet (Excel hides an add-in's sheets); the .xlsm is the full
template workbook, for users who want the buttons without installing the add-in.

`via_excel=True` (Windows with Excel) builds the VBA project through Excel itself
(VBProject.VBComponents.Import, needs "信任对 VBA 工程对象模型的访问"): the authoritative path,
which cannot run on Linux and has only been written, not run, here.
"""

from __future__ import annotations

import io
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from ..errors import OutputError
from ..names import TEMPLATE_NAME
from . import package
from .udf_vba import MISMATCH_CELL, MISMATCH_TEMPLATE
from .udf_vba import MODULE as UDF_VBA_MODULE
from .udf_vba import module_code as udf_module_code
from .vba import MACROS_DIR, PROJECT_NAME, VbaModule, compile_project, project_modules

ADDIN_NAME = "xladdin.xlam"
ADDIN_TITLE = "政务公开年报（xladdin）"
ADDIN_DESCRIPTION = ("政府信息公开工作年度报告的编制、校验和导出：功能区“政务公开年报”选项卡和 NB_ 工作表函数。"
                     "由 xladdin addin install 安装。")
TEMPLATE_XLSM = Path(TEMPLATE_NAME).with_suffix(".xlsm").name
CONF_SHEET = f"{PROJECT_NAME}.conf"
UDF_MODULE = "xladdin.excel.udfs"
# Machine-independent settings; keys exactly as xlwings spells them (upper case, spaces).
CONF = (
    ("UDF MODULES", UDF_MODULE),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
)


@dataclass
class Built:
    addin: Path
    template: Path


def vba_modules(addin: bool, macros_dir: Path = MACROS_DIR) -> list[VbaModule]:
    """macros/*.bas, xlwings' modules, and the generated NB_ function wrappers."""
    return project_modules(macros_dir) + [VbaModule(UDF_VBA_MODULE, "module", udf_module_code(addin))]


def ribbon_xml(macros_dir: Path = MACROS_DIR) -> bytes:
    return (macros_dir / "customUI.xml").read_bytes()


def add_conf_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(CONF_SHEET)
    for key, value in CONF:
        ws.append([key, value])
    ws[MISMATCH_CELL] = MISMATCH_TEMPLATE  # read by the NB_ cells' VBA (udf_vba.NB_ERROR)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 40
    ws.sheet_state = "hidden"


def addin_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["xladdin 加载项：功能区“政务公开年报”选项卡。本工作表不会显示。"])
    add_conf_sheet(wb)
    # docProps/core.xml: the title and description Excel's 加载项 dialog shows for the add-in
    wb.properties.title = ADDIN_TITLE
    wb.properties.description = ADDIN_DESCRIPTION
    wb.properties.creator = "xladdin"
    return wb


def is_our_addin(path: Path) -> bool:
    """An add-in this module built (its title in docProps/core.xml), which a new build replaces."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            return info.file_size < 100_000 and ADDIN_TITLE.encode() in zf.read(info)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def template_workbook() -> Workbook:
    from ..template import build_workbook

    wb = build_workbook()
    add_conf_sheet(wb)
    wb.active = 0
    return wb


def _set_codenames(wb: Workbook) -> list[str]:
    """Excel pairs document modules with sheets by code name; give every sheet one."""
    wb.code_name = "ThisWorkbook"
    names = []
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
        names.append(f"Sheet{i}")
    return names


def package_workbook(wb: Workbook, target: Path, macros_dir: Path = MACROS_DIR) -> Path:
    """Save `wb` as .xlsm/.xlam at `target` with VBA project and ribbon (atomic)."""
    suffix = target.suffix.lower()
    codenames = _set_codenames(wb)
    vba = compile_project(vba_modules(suffix == ".xlam", macros_dir), codenames)
    buffer = io.BytesIO()  # openpyxl writes the zip in memory; the parts are re-zipped below
    wb.save(buffer)
    parts = package.read_parts(buffer)
    package.attach_vba(parts, vba, suffix)
    package.attach_ribbon(parts, ribbon_xml(macros_dir))
    package.write_parts(target, parts)
    return target


def build(out_dir: str | Path, via_excel: bool = False, macros_dir: Path = MACROS_DIR, force: bool = False) -> Built:
    """Write the add-in and the macro-enabled template into `out_dir`. An add-in built earlier
    and a blank template are replaced; anything else there (a template someone filled in) only
    with `force` (the output rule of io/outputs.py)."""
    from ..io.outputs import claim

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{exc}）", path=str(out)) from exc
    if not is_our_addin(out / ADDIN_NAME):
        claim(out / ADDIN_NAME, force=force)
    claim(out / TEMPLATE_XLSM, kind="template", force=force)
    if via_excel:
        return build_via_excel(out, macros_dir)
    addin = package_workbook(addin_workbook(), out / ADDIN_NAME, macros_dir)
    template = package_workbook(template_workbook(), out / TEMPLATE_XLSM, macros_dir)
    return Built(addin, template)


# --------------------------------------------------------------------------- Windows + Excel

XL_ADDIN_FORMAT = 55  # xlOpenXMLAddIn
XL_XLSM_FORMAT = 52  # xlOpenXMLWorkbookMacroEnabled


def build_via_excel(out: Path, macros_dir: Path = MACROS_DIR) -> Built:  # pragma: no cover - Excel only
    """Build through Excel's own VBA project (Windows, Excel installed, VBA object model trusted).

    Not runnable on Linux: written from the Excel object model documentation, untested here.
    The same modules as the pure-Python build are imported with VBComponents.Import, so
    `olevba` on its output must equal the sources just the same.
    """
    if sys.platform != "win32":
        raise OutputError("--via-excel 只能在装有 Excel 的 Windows 上使用；本机请用默认的纯 Python 构建")
    import xlwings as xw

    results = []
    app = xw.App(visible=False, add_book=False)
    try:
        for builder, name, fmt in ((addin_workbook, ADDIN_NAME, XL_ADDIN_FORMAT),
                                   (template_workbook, TEMPLATE_XLSM, XL_XLSM_FORMAT)):
            with tempfile.TemporaryDirectory() as tmp:
                plain = Path(tmp) / "base.xlsx"
                builder().save(plain)
                book = app.books.open(str(plain))
                project = book.api.VBProject
                for mod in vba_modules(name.endswith(".xlam"), macros_dir):
                    src = Path(tmp) / (mod.name + (".bas" if mod.kind == "module" else ".cls"))
                    src.write_text(mod.code.replace("\n", "\r\n"), encoding="ascii", newline="")
                    project.VBComponents.Import(str(src))
                target = out / name
                book.api.SaveAs(str(target), FileFormat=fmt)
                book.close()
            parts = package.read_parts(target)  # Excel keeps no ribbon we did not give it
            package.attach_ribbon(parts, ribbon_xml(macros_dir))
            package.write_parts(target, parts)
            results.append(target)
    finally:
        app.quit()
    return Built(results[0], results[1])
