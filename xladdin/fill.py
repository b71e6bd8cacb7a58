"""运算: derive every total from its parts, never touching what the user typed.

- a blank derived cell is filled;
- a typed derived value that disagrees is kept and reported (replaced only with overwrite);
- a derived cell holding a formula keeps its formula (its value is the computed one);
- input cells are never touched.

The derivations come from the spec: every identity with a `derive` cell among the 200 cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .check.engine import evaluate_identity
from .check.findings import Finding
from .report import Report
from .spec import Identity, Rule
from .values import is_absent, is_number

# Order matters: the （七）总计 row of the six party columns first (T3-T), then every row's
# 总计 column (T3-R, which also yields the grand total), then 表四.
ORDER = ("T3-T", "T3-R", "T4-1", "T4-2", "T4-3")


@dataclass
class FillResult:
    filled: list[str] = field(default_factory=list)  # keys given a value
    overwritten: list[str] = field(default_factory=list)  # typed values replaced (overwrite=True)
    conflicts: list[Finding] = field(default_factory=list)  # typed values kept though they disagree
    incomplete: list[str] = field(default_factory=list)  # derived keys left blank: parts missing

    @property
    def changed(self) -> list[str]:
        return self.filled + self.overwritten

    def summary(self) -> str:
        parts = [f"填充 {len(self.filled)} 格"]
        if self.overwritten:
            parts.append(f"覆盖 {len(self.overwritten)} 格")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} 格已填数与合计不符（保留原值）")
        if self.incomplete:
            parts.append(f"{len(self.incomplete)} 个合计因细项不全或不是数字，暂无法计算")
        return "，".join(parts)


def derivations(report: Report) -> list[tuple[Rule, Identity]]:
    out = []
    for rule_id in ORDER:
        rule = report.spec.rule(rule_id)
        for ident in rule.identities:
            if ident.derive and report.spec.has_cell(ident.derive):
                if rule_id == "T3-T" and ident.instance == "total":
                    continue  # the grand total comes from T3-R on the （七） row
                out.append((rule, ident))
    return out


def _unset(value: object) -> bool:
    """A total fill may compute: blank, or never printed in the source (absent)."""
    return value is None or is_absent(value)


def fill(report: Report, overwrite: bool = False) -> FillResult:
    """Derive totals in place. Returns what was filled, overwritten, or left in conflict."""
    result = FillResult()
    for rule, ident in derivations(report):
        target = ident.derive
        assert target is not None
        parts = [k for k in ident.left + ident.right if k != target]
        values = [report.value(k) for k in parts]
        if not all(is_number(v) for v in values):
            if _unset(report.value(target)) or target in report.formulas:
                result.incomplete.append(target)
            continue
        computed = sum(values, start=0)  # type: ignore[arg-type]
        current = report.value(target)
        if target in report.formulas or _unset(current):
            if current != computed:
                report.values[target] = computed
                if target not in report.formulas:
                    result.filled.append(target)
            continue
        if current == computed:
            continue
        if overwrite:
            report.values[target] = computed
            result.overwritten.append(target)
            continue
        conflict = evaluate_identity(report, rule, ident)
        if conflict is not None:
            result.conflicts.append(conflict)
    return result
