"""Excel's and Python's bitness, where it matters (the offline installer runs this on Windows:
`python -m xladdin.excel.bitness`).

xlwings runs Python in its own process, so a 32-bit Excel works with a 64-bit Python: the
ribbon's buttons start python.exe, and the worksheet functions (NB_) load xlwings' DLL of
Excel's bitness, xlwings32-<version>.dll or xlwings64-<version>.dll, from the Python folder.
The 64-bit (win_amd64) xlwings wheel ships both DLLs; the 32-bit one ships neither. So what
matters is: Python 64-bit (the bundle's dependencies exist only for it anyway), and the DLL for
Excel's bitness present. Office's bitness is read from the registry (Click-to-Run's Platform,
or an MSI install's Bitness), in both registry views.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path

# (key under HKEY_LOCAL_MACHINE, value name): where Office records its bitness ("x86"/"x64").
OFFICE_KEYS = (
    (r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration", "Platform"),
    (r"SOFTWARE\Microsoft\Office\16.0\Outlook", "Bitness"),
    (r"SOFTWARE\Microsoft\Office\15.0\Outlook", "Bitness"),
    (r"SOFTWARE\Microsoft\Office\14.0\Outlook", "Bitness"),
)
Reader = Callable[[str, str], str | None]


def _registry(key: str, name: str) -> str | None:  # pragma: no cover - Windows only
    import winreg

    for view in (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY):
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | view) as k:
                value, _ = winreg.QueryValueEx(k, name)
                return str(value)
        except OSError:
            continue
    return None


def office_bits(read: Reader = _registry) -> int | None:
    """32 or 64 for the installed Office (Excel), None when none is recorded."""
    for key, name in OFFICE_KEYS:
        value = (read(key, name) or "").strip().lower()
        if value in ("x86", "x64"):
            return 64 if value == "x64" else 32
    return None


def python_bits() -> int:
    return struct.calcsize("P") * 8


def dll_folders() -> list[Path]:
    """Where xlwings' VBA looks for its DLL: the folder of python.exe and the one above it (a venv's
    python.exe is in Scripts\\, xlwings' data files land in the venv's root)."""
    exe = Path(sys.executable).resolve().parent
    return [exe, exe.parent, Path(sys.prefix)]


def advice(python: int, office: int | None, dlls: list[str]) -> tuple[bool, str]:
    """(fine, what to tell the clerk) for Python's and Office's bitness and the DLLs found."""
    if python != 64:
        return False, ("本机 Python 是 32 位。xladdin 的依赖（pandas、ortools 等）只有 64 位版本，xlwings 也只在 64 位 "
                       "Python 中带有工作表函数所需的 DLL：请安装 64 位 Python 3（python.org 的“Windows installer (64-bit)”），"
                       "再运行本安装程序。Excel 是 32 位也没有关系。")
    if office is None:
        return True, ("没有找到 Excel 的安装信息（或无法读取其位数）：功能区按钮和 NB_ 函数需要 Excel；"
                      "WPS 表格请在命令行使用 xladdin，见 README“WPS 表格”一节。")
    wanted = f"xlwings{office}-"
    if not any(name.startswith(wanted) for name in dlls):
        return False, (f"Excel 是 {office} 位，但 Python 文件夹中没有 {wanted}<版本>.dll：NB_ 工作表函数将不能使用"
                       "（按钮不受影响）。请用安装包重新安装（其中 64 位的 xlwings 带有 32 位和 64 位两个 DLL）。")
    if office == 32:
        return True, ("Excel 是 32 位，Python 是 64 位：可以使用。xlwings 在单独的进程中运行 Python，"
                      "并为 32 位 Excel 提供了 xlwings32 DLL。")
    return True, "Excel 与 Python 都是 64 位。"


def main(read: Reader | None = None) -> int:
    dlls = sorted({p.name for folder in dll_folders() if folder.is_dir() for p in folder.glob("xlwings*.dll")})
    office = office_bits(read) if read is not None else (office_bits() if sys.platform == "win32" else None)
    fine, text = advice(python_bits(), office, dlls)
    print(("位数检查：" if fine else "位数检查（需要处理）：") + text)
    return 0 if fine else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
