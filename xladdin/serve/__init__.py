"""`xladdin serve`: a local service (FastAPI + uvicorn, 127.0.0.1 only) behind the WPS add-in.

It runs the same ribbon actions as the Excel add-in on a workbook the add-in sends as JSON
(excel/jsonbook.py), serves the add-in's own files so that its pages and the API share one
origin, and guards every request (guard.py: host, origin, token, size). Needs the extra
`xladdin[wps]` (fastapi, uvicorn).
"""
