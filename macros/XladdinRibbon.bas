Attribute VB_Name = "XladdinRibbon"
Option Explicit
' Ribbon callbacks of the xladdin add-in (ribbon XML: macros/customUI.xml).
'
' One generic callback for every button: it passes control.Id to the Python dispatcher
' xladdin.excel.actions.run(), so adding a button means adding XML and a Python handler,
' never editing VBA. RunPython comes from xlwings' own VBA module, added at build time.
' Keep this file ASCII: the VBA project is written with code page 1252.
' XLWINGS_VERSION (a constant of xlwings' module) tells Python which xlwings this VBA was built
' for, so that after an xlwings upgrade the user is told to rebuild instead of a DLL error.

Public Sub OnAction(control As IRibbonControl)
    ' RunPython hands ActiveWorkbook to Python as xw.Book.caller(); with no workbook open
    ' (e.g. "new report" right after starting Excel) give it an empty one to stand on.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    RunPython "import xladdin.excel.actions as xa; xa.run('" & control.Id & "', vba_xlwings='" & XLWINGS_VERSION & "')"
End Sub
