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
from .values import ABSENT, Doubt, Value, is_absent, normalised, parse_value, to_json

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
        doubt = {k: v.to_dict() for k in self.spec.keys if isinstance(v := self.values[k], Doubt)}
        if doubt:
            out["doubt"] = doubt  # printed, but the reader could not settle it (待核)
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
    def from_dict(cls, data: Any, spec: Spec = SPEC) -> Report:
        """A Report from its JSON form; ValueError (Chinese, naming the field) for a field of
        the wrong type, e.g. a number for meta.agency or a list for a section."""
        if not isinstance(data, dict):
            raise ValueError(f"顶层应为 JSON 对象（{{…}}），实际为{_kind(data)}")
        meta_data = _mapping(data.get("meta"), "meta")
        meta = Meta()
        for name, value in meta_data.items():
            if name not in Meta.__dataclass_fields__:
                continue
            if name == "year":
                meta.year = _year(value)
            else:
                setattr(meta, name, _text(value, f"meta.{name}"))
        sections = {str(k): _text(v, f"sections.{k}") for k, v in _mapping(data.get("sections"), "sections").items()}
        report = cls(meta=meta, sections=sections, spec=spec)
        for key, raw in _mapping(data.get("values"), "values").items():
            if not spec.has_cell(key):
                raise ValueError(f"未知的单元格键“{key}”，键的写法见 README“模板工作簿”一节")
            if isinstance(raw, (list, dict)):
                raise ValueError(f"values.{key} 应为数字、文字或 null，实际为{_kind(raw)}")
            report.set(key, raw)
            note = normalised(raw, report.values[key])
            if note:
                report.notes.setdefault(key, note)
        for key, raw in _mapping(data.get("invalid"), "invalid").items():
            if spec.has_cell(key) and raw is not None:
                report.values[key] = _text(raw, f"invalid.{key}")
        absent = data.get("absent") or []
        if not isinstance(absent, list):
            raise ValueError(f"absent 应为单元格键的列表，实际为{_kind(absent)}")
        for key in absent:
            if not isinstance(key, str) or not spec.has_cell(key):
                raise ValueError(f"“absent”中有未知的单元格键“{key}”，键的写法见 README“模板工作簿”一节")
            report.values[key] = ABSENT
        for key, raw in _mapping(data.get("doubt"), "doubt").items():
            if not spec.has_cell(key):
                raise ValueError(f"“doubt”中有未知的单元格键“{key}”，键的写法见 README“模板工作簿”一节")
            report.values[key] = Doubt.from_dict(_mapping(raw, f"doubt.{key}"), spec.cell(key).kind)
        for name in ("addresses", "explanations", "notes"):
            getattr(report, name).update(
                {str(k): _text(v, f"{name}.{k}") for k, v in _mapping(data.get(name), name).items()}
            )
        for key, raw in _mapping(data.get("extra"), "extra").items():
            if isinstance(raw, (list, dict)):
                raise ValueError(f"extra.{key} 应为数字、文字或 null，实际为{_kind(raw)}")
            report.extra[str(key)] = parse_value(raw)
        report.source = _text(data.get("source"), "source")
        report.observed = dict(_mapping(data.get("observed"), "observed"))
        return report

    @classmethod
    def from_json(cls, text: str) -> Report:
        from .jsonfile import parse_json

        return cls.from_dict(parse_json(text))


def _kind(value: Any) -> str:
    if value is None:
        return " null"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    return "文字"


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} 应为 JSON 对象（{{…}}），实际为{_kind(value)}")
    return value


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{where} 应为文字（带引号的字符串），实际为{_kind(value)}")
    return value


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and 0 < len(value.strip()) <= 4:
        return int(value.strip())
    raise ValueError(f"meta.year 应为年度数字（如 2024），实际为{_kind(value)}")
