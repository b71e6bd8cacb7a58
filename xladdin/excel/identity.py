"""What the add-in is called and the texts it carries, at the bottom of the Excel layer.

The build (build.py), the VBA wrappers (udf_vba.py), the worksheet functions (udfs.py) and the
workbook in Excel (xlbook.py) all name these; keeping them here lets those modules import in one
direction only: build → udf_vba → udfs → xlbook → book → identity.
"""

from __future__ import annotations

ADDIN_NAME = "xladdin.xlam"
ADDIN_TITLE = "政务公开年报（xladdin）"
ADDIN_DESCRIPTION = ("政府信息公开工作年度报告的编制、校验和导出：功能区“政务公开年报”选项卡和 NB_ 工作表函数。"
                     "由 xladdin addin install 安装。")
UDF_MODULE = "xladdin.excel.udfs"  # the Python module xlwings imports for the NB_ functions
CATEGORY = "政务公开年报"  # the function wizard's category of the NB_ functions
# The Chinese notice for an xlwings version mismatch, shown by buttons (Python) and by the NB_
# cells (VBA, which reads it from this cell of the config sheet: the VBA itself stays ASCII).
# Column D: xlwings reads only columns A:B of the sheet as settings.
MISMATCH_CELL = "D1"
MISMATCH_TEMPLATE = ("版本不一致：加载项（或启用宏的模板）中的 xlwings 为 {addin}，本机 Python 中的 xlwings 为 {python}，"
                     "工作表函数（NB_）因此无法计算。请关闭 Excel，在命令提示符中运行 xladdin addin install；"
                     "使用启用宏的模板（.xlsm）时，再运行 xladdin addin build 重新生成模板。")
