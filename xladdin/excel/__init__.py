"""The Excel door: ribbon actions, UDFs, the book interface and the add-in build.

This is the only package that imports xlwings, and only lazily (inside functions or in
`xlbook`/`udfs`), so the core and the file implementation never need it.
"""
