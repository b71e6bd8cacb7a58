"""Last year's report within a run, found in the store (the engine's second pass).

The same rule as `audit.lastyear.pairs`, in SQL over the files a run covered: a readable report
is paired with the same agency's (canonical name) report of the year before when the run holds
exactly one. A file is audited again when its stored result was made with another last year
than this pairing gives (none, another file, or one from an earlier run's pairing), or when its
last year's file was itself audited in this run (its content may have changed). Nothing is held
in memory: the pairs go to a temporary table and are read back a page at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .db import AUDITED

PAGE = 500

_FILL = """
INSERT INTO temp.pair_again (path, last, sha256, size)
WITH cur AS (
    SELECT f.path, f.canonical, f.year, f.previous, f.sha256, f.size, f.error, rf.how
    FROM files f JOIN run_files rf ON rf.file = f.id AND rf.run = ?
),
usable AS (SELECT * FROM cur WHERE error = '' AND canonical != '' AND year IS NOT NULL),
alone AS (
    SELECT canonical, year, MIN(path) AS path, MIN(how) AS how FROM usable
    GROUP BY canonical, year HAVING COUNT(*) = 1
)
SELECT u.path, COALESCE(a.path, ''), u.sha256, u.size
FROM usable u LEFT JOIN alone a ON a.canonical = u.canonical AND a.year = u.year - 1 AND a.path != u.path
WHERE u.previous != COALESCE(a.path, '') OR (a.path IS NOT NULL AND a.how = ?)
ORDER BY u.path
"""


def changed_pairs(store: Any, run: int) -> Iterator[tuple[str, str, str, int]]:
    """(path, last year's path or "", sha256, size) of the files of `run` to audit again."""
    conn = store.conn
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS pair_again (n INTEGER PRIMARY KEY, path TEXT, last TEXT, sha256 TEXT, size INTEGER)"
    )
    conn.execute("DELETE FROM temp.pair_again")
    conn.execute(_FILL, (run, AUDITED))
    n = 0
    while rows := conn.execute(
        "SELECT n, path, last, sha256, size FROM temp.pair_again WHERE n > ? ORDER BY n LIMIT ?", (n, PAGE)
    ).fetchall():
        n = rows[-1][0]
        for _, path, last, sha256, size in rows:
            yield path, last, sha256, size


__all__ = ["changed_pairs"]
