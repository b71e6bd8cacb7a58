"""The WPS 表格 add-in: its files (addin/), its ribbon derived from the Excel one, the build of
an offline add-in folder with both publish lists, and the per-user install."""
