"""What changed between two runs of a store: new, fixed, still open, re-opened.

Compared on the files both runs covered (a run over part of the folder says nothing about the
rest), by fingerprint: 新增 (seen now, not last time), 已改正 (seen last time, gone now), 仍存在
(seen both times), and among those seen now, 已重开: a decision was made on other values than
the finding now sees (the cells changed since the review). The roster's findings (缺报, 迟报,
名单外, 名称待确认) are compared too, where both runs were seen with a roster (review.snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store import Store
from . import review as rv


@dataclass
class Change:
    fingerprint: str
    rule: str
    severity: str
    source: str
    digest: str = ""


@dataclass
class Diff:
    run: int
    previous: int | None
    new: list[Change] = field(default_factory=list)
    fixed: list[Change] = field(default_factory=list)
    still_open: list[Change] = field(default_factory=list)
    reopened: list[Change] = field(default_factory=list)
    other_rules: int = 0  # decisions in force made under another rules version
    other_version: int = 0  # … by another xladdin version

    def summary(self) -> str:
        since = f"与第 {self.previous} 次审核相比" if self.previous else "首次审核"
        text = (f"第 {self.run} 次审核，{since}：新增 {len(self.new)} 处，已改正 {len(self.fixed)} 处，"
                f"仍存在 {len(self.still_open)} 处，复核结论因数值变化重开 {len(self.reopened)} 处")
        if self.other_rules:
            text += f"；{self.other_rules} 项复核结论是在另一规则版本下作出的"
        if self.other_version:
            text += f"；{self.other_version} 项复核结论由另一 xladdin 版本作出"
        return text


def _seen(store: Store, run: int, files: set[int] | None = None) -> dict[str, Change]:
    rows = store.conn.execute(
        "SELECT rf.fingerprint, rf.value_digest, rf.rule, rf.severity, f.path, rf.file FROM run_findings rf"
        " JOIN files f ON f.id = rf.file WHERE rf.run = ?", (run,),
    )
    out: dict[str, Change] = {}
    for fp, digest, rule, severity, path, file in rows:
        if files is None or file in files:
            out[fp] = Change(fp, rule, severity, path, digest)
    return out


def compare(store: Store, run: int, previous: int | None = None) -> Diff:
    """Run `run` against `previous` (default: the run before it that covered files)."""
    if previous is None:
        earlier = [r for r in store.runs() if r.id < run and r.files]
        previous = earlier[-1].id if earlier else None
    now = _seen(store, run)
    out = Diff(run, previous)
    decisions = rv.latest(store)
    if previous is not None:
        both = {r[0] for r in store.conn.execute(
            "SELECT file FROM run_files WHERE run = ? AND file IN (SELECT file FROM run_files WHERE run = ?)", (run, previous))}
        before = _seen(store, previous, both)
        out.fixed = [c for fp, c in before.items() if fp not in now]
        out.still_open = [c for fp, c in now.items() if fp in before]
        out.new = [c for fp, c in now.items() if fp not in before]
    else:
        out.new = list(now.values())
    # the roster's findings (缺报, 迟报…), where both runs were seen with a roster
    roster_now = rv.roster_seen(store, run)
    roster_before = rv.roster_seen(store, previous) if previous is not None else None
    if roster_now is not None:
        mine = {fp: Change(fp, rule, severity, agency, digest) for fp, digest, rule, severity, agency in roster_now}
        now.update(mine)
        if roster_before is None:
            out.new += list(mine.values())
        else:
            before_fps = {row[0]: row for row in roster_before}
            out.new += [c for fp, c in mine.items() if fp not in before_fps]
            out.still_open += [c for fp, c in mine.items() if fp in before_fps]
            out.fixed += [Change(fp, rule, severity, agency, digest)
                          for fp, (_, digest, rule, severity, agency) in before_fps.items() if fp not in mine]
    for fp, c in now.items():
        d = decisions.get(fp)
        if d is not None and d.value_digest != c.digest:
            out.reopened.append(c)
    for d in decisions.values():
        out.other_rules += d.other_rules
        out.other_version += d.other_version
    return out


def counts(store: Store, run: int) -> Diff:
    """`compare` of the files' findings in SQL, counts only: what a run of 100,000 files says at
    its end without holding a finding in memory (the lists of the Diff hold placeholders)."""
    conn = rv.ensure(store)
    earlier = conn.execute(
        "SELECT MAX(run) FROM run_files WHERE run < ?", (run,)).fetchone()[0]
    out = Diff(run, earlier)
    now = "SELECT DISTINCT fingerprint, value_digest FROM run_findings WHERE run = :run"
    latest = ("SELECT fingerprint, value_digest, rules_version, xladdin_version FROM review_decisions"
              " WHERE id IN (SELECT MAX(id) FROM review_decisions GROUP BY fingerprint)")
    if earlier is None:
        new, fixed, still = conn.execute(f"SELECT COUNT(*), 0, 0 FROM ({now})", {"run": run}).fetchone()
    else:
        before = ("SELECT DISTINCT fingerprint FROM run_findings WHERE run = :prev AND file IN"
                  " (SELECT file FROM run_files WHERE run = :run AND file IN (SELECT file FROM run_files WHERE run = :prev))")
        new, fixed, still = conn.execute(
            f"SELECT (SELECT COUNT(*) FROM ({now}) WHERE fingerprint NOT IN ({before})),"
            f" (SELECT COUNT(*) FROM ({before}) WHERE fingerprint NOT IN (SELECT fingerprint FROM ({now}))),"
            f" (SELECT COUNT(*) FROM ({now}) WHERE fingerprint IN ({before}))",
            {"run": run, "prev": earlier},
        ).fetchone()
    reopened, = conn.execute(
        f"SELECT COUNT(*) FROM ({now}) n JOIN ({latest}) d ON d.fingerprint = n.fingerprint"
        " WHERE d.value_digest != n.value_digest", {"run": run}).fetchone()
    from .. import __version__
    from ..store import RULES_VERSION

    out.other_rules, out.other_version = conn.execute(
        f"SELECT COALESCE(SUM(rules_version != ?), 0), COALESCE(SUM(xladdin_version != ?), 0) FROM ({latest})",
        (RULES_VERSION, __version__)).fetchone()
    blank = Change("", "", "", "")
    out.new, out.fixed, out.still_open, out.reopened = ([blank] * n for n in (new, fixed, still, reopened))
    return out


__all__ = ["Change", "Diff", "compare", "counts"]
