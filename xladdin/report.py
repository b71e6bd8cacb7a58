"""The Report: metadata, narrative sections, the 200 values and explanations (说明).

Every door into the core (workbook, published text/HTML/docx/PDF, Excel) produces a Report;
fill, check and the exporters consume one. It holds no logic about the format beyond looking
keys up in the spec.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .spec import SPEC, Spec
from .values import ABSENT, Value, is_absent, parse_value, to_json

LEVEL_NAMES = tuple(lv.name for lv in SPEC.levels)


@dataclass
class Meta:
    agency: str = ""  # 机关名称, e.g. 威海市人力资源和社会保障局
    year: int | None = None  # report year, e.g. 2024
    level: str = ""  # 部门 / 乡镇 / 县 / 市 / 省 / 垂直
    published: str = ""  # publication date, ISO yyyy-mm-dd
    contact_address: str = ""
    contact_phone: str = ""
    website: str = ""
    office: str = ""  # the office that compiles the report (e.g. 办公室)

    @property
    def title(self) -> str:
        """The report title as the format prescribes."""
        year = f"{self.year}年" if self.year else ""
        return f"{self.agency}{year}政府信息公开工作年度报告"


META_LABELS = {
    "agency": "机关名称",
    "year": "报告年度",
    "level": "机关层级",
    "published": "发布日期",
    "contact_address": "联系地址",
    "contact_phone": "联系电话",
    "website": "网站",
    "office": "承办机构",
}


@dataclass
class Report:
    meta: Meta = field(default_factory=Meta)
    sections: dict[str, str] = field(default_factory=dict)  # part key -> text, paragraphs "\n"
    values: dict[str, Value] = field(default_factory=dict)  # cell key -> value (all 200 keys)
    addresses: dict[str, str] = field(default_factory=dict)  # cell key -> "表三!D7" or "第3页第12行"
    explanations: dict[str, str] = field(default_factory=dict)  # finding ref -> 说明
    formulas: dict[str, str] = field(default_factory=dict)  # cell key -> formula text, if any
    notes: dict[str, str] = field(default_factory=dict)  # cell key -> how the value was obtained
    extra: dict[str, Value] = field(default_factory=dict)  # virtual cells (printed subtotals)
    source: str = ""  # path or description of where the report came from
    # What a reader of a published report saw, for the structure checks. Keys used:
    # "title" (printed title), "headings" (list of {"section", "text", "where"} in document
    # order), "tables" (table keys found), "signature" (agency printed at the end),
    # "signature_date" (ISO date printed at the end), "old_format_labels" (2019 labels seen).
    observed: dict[str, Any] = field(default_factory=dict)
    # Last year's figures carried in the workbook (hidden sheet 上年数据, see previous.py); the
    # cross-year rules use them when no other last-year report is given.
    previous: Report | None = field(default=None, repr=False, compare=False)
    spec: Spec = field(default=SPEC, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in self.spec.keys:
            self.values.setdefault(key, None)

    def value(self, key: str) -> Value:
        if key in self.values:
            return self.values[key]
        return self.extra.get(key)

    def set(self, key: str, raw: object) -> None:
        """Set a cell from raw input (numbers, text), normalised by the cell's kind."""
        self.values[key] = parse_value(raw, self.spec.cell(key).kind)

    def section(self, key: str) -> str:
        return self.sections.get(key, "")

    def section_text(self, section: str) -> str:
        """All narrative of one of the six sections ("s1" joins its five parts)."""
        parts = [p.key for p in self.spec.parts if p.section == section]
        return "\n".join(t for t in (self.sections.get(k, "") for k in parts) if t)

    def address(self, key: str) -> str:
        return self.addresses.get(key, "")

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        invalid = {k: v for k, v in self.values.items() if isinstance(v, str)}
        out: dict[str, Any] = {
            "meta": asdict(self.meta),
            "sections": {p.key: self.sections.get(p.key, "") for p in self.spec.parts},
            "values": {k: to_json(self.values[k]) for k in self.spec.keys},
            "addresses": {k: self.addresses.get(k, "") for k in self.spec.keys},
        }
        if invalid:
            out["invalid"] = invalid
        absent = [k for k in self.spec.keys if is_absent(self.values[k])]
        if absent:
            out["absent"] = absent  # never printed in the source (not a printed blank)
        if self.explanations:
            out["explanations"] = dict(self.explanations)
        if self.notes:
            out["notes"] = dict(self.notes)
        if self.extra:
            out["extra"] = {k: to_json(v) for k, v in self.extra.items()}
        if self.source:
            out["source"] = self.source
        if self.observed:
            out["observed"] = self.observed
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], spec: Spec = SPEC) -> Report:
        meta = Meta(**{k: v for k, v in data.get("meta", {}).items() if k in Meta.__dataclass_fields__})
        report = cls(meta=meta, sections=dict(data.get("sections", {})), spec=spec)
        for key, raw in data.get("values", {}).items():
            if not spec.has_cell(key):
                raise ValueError(f"未知的单元格键“{key}”，键的写法见 README“模板工作簿”一节")
            report.set(key, raw)
        for key, raw in data.get("invalid", {}).items():
            report.values[key] = raw
        for key in data.get("absent", []):
            if not spec.has_cell(key):
                raise ValueError(f"“absent”中有未知的单元格键“{key}”，键的写法见 README“模板工作簿”一节")
            report.values[key] = ABSENT
        report.addresses.update(data.get("addresses", {}))
        report.explanations.update(data.get("explanations", {}))
        report.notes.update(data.get("notes", {}))
        for key, raw in data.get("extra", {}).items():
            report.extra[key] = parse_value(raw)
        report.source = data.get("source", "")
        report.observed = dict(data.get("observed", {}))
        return report

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))
