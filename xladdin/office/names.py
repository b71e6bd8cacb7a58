"""Agency names on a roster and on reports: which report belongs to which agency of the list.

Only confident equivalences are folded (`name_key`): full-width/half-width forms and spaces,
人民政府/政府, 办公室/办, 管理委员会/管委会. A region prefix (福建省, 平潭综合实验区, 威海市) is
peeled off (`split_regions`) only where it is one of the roster's own regions (the names of its
governments and 管委会) or a province; two names with the same body then match when one region
chain ends the other ("山东省威海市人社局" and "威海市人社局"; a name without a region matches
any chain), and only when exactly one roster agency fits. Two fits, or a body shared by
agencies of different regions, go to a person (`Match.candidates`): never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# (long form, short form): the short one is the key. Only what every office reads as the same.
_FOLDS = (("人民政府", "政府"), ("管理委员会", "管委会"), ("办公室", "办"))
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,7}?(省|自治区|特别行政区)")
_ANY_REGION = re.compile(r"^[\u4e00-\u9fff]{2,4}?(市|州|盟|地区|县|区|旗)")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def name_key(name: str) -> str:
    """A name as an identity for matching: NFKC (full-width to half-width), no whitespace, no
    quotes, the confident abbreviations folded."""
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    text = text.strip("\"'“”‘’《》")
    for long, short in _FOLDS:
        text = text.replace(long, short)
    return text


def regions_of(names: Iterable[str]) -> set[str]:
    """Region names the roster itself spells out: its governments and 管委会 without that word
    ("威海市政府" -> 威海市, "平潭综合实验区管委会" -> 平潭综合实验区), and what comes before a
    government office's 政府 ("威海市政府办" -> 威海市)."""
    out: set[str] = set()
    for name in names:
        key = name_key(name)
        for suffix in ("政府办", "政府", "管委会办", "管委会"):
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                region = key[: -len(suffix)]
                province = _PROVINCE.match(region)
                if province and len(province.group(0)) < len(region):  # 福建省平潭综合实验区: two regions
                    out.add(region[len(province.group(0)):])
                else:
                    out.add(region)
                break
    out.update(_MUNICIPALITIES)
    return out


def split_regions(key: str, regions: set[str]) -> tuple[tuple[str, ...], str]:
    """(leading region names, the rest) of a name key: "山东省威海市人社局" -> (("山东省", "威海市"), "人社局").
    A region is only peeled off when something is left after it."""
    chain: list[str] = []
    rest = key
    while True:
        found = ""
        m = _PROVINCE.match(rest)
        if m and len(m.group(0)) < len(rest):
            found = m.group(0)
        for region in regions:
            if len(region) > len(found) and rest.startswith(region) and len(region) < len(rest):
                found = region
        if not found:  # a region the roster does not name, but only right before one it does (宿迁市沭阳县…)
            m = _ANY_REGION.match(rest)
            if m and any(rest[len(m.group(0)):].startswith(r) for r in regions):
                found = m.group(0)
        if not found:
            return tuple(chain), rest
        chain.append(found)
        rest = rest[len(found):]


def _chain_fits(a: Sequence[str], b: Sequence[str]) -> bool:
    """One region chain ends the other: the same place, said with more or fewer levels."""
    n = min(len(a), len(b))
    return n == 0 or tuple(a[-n:]) == tuple(b[-n:])


@dataclass
class Match:
    """Where one report's agency name lands on the roster."""

    name: str  # as the report gives it
    entry: int | None = None  # index of the roster agency, when sure
    how: str = ""  # "同名" | "名称写法不同" | "去掉地名后相同"
    candidates: list[int] = field(default_factory=list)  # roster agencies a person must choose from

    @property
    def sure(self) -> bool:
        return self.entry is not None

    @property
    def unsure(self) -> bool:
        return self.entry is None and bool(self.candidates)


class NameIndex:
    """The roster's names, ready to match report names against. `owners[i]` is the agency
    names[i] belongs to (default: itself): other names of an agency (别名, the names a person
    confirmed) point to the same agency."""

    def __init__(self, names: Sequence[str], owners: Sequence[int] | None = None) -> None:
        self.names = list(names)
        self.owners = list(owners) if owners is not None else list(range(len(self.names)))
        self.regions = regions_of(names)
        self.raw: dict[str, set[int]] = {}
        self.keys: dict[str, set[int]] = {}
        self.bodies: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for name, owner in zip(self.names, self.owners, strict=True):
            raw = "".join(unicodedata.normalize("NFKC", name).split())
            key = name_key(name)
            self.raw.setdefault(raw, set()).add(owner)
            self.keys.setdefault(key, set()).add(owner)
            chain, body = split_regions(key, self.regions)
            self.bodies.setdefault(body, []).append((owner, chain))

    def match(self, name: str) -> Match:
        raw = "".join(unicodedata.normalize("NFKC", name or "").split())
        key = name_key(name)
        if not key:
            return Match(name)
        exact = sorted(self.raw.get(raw) or self.keys.get(key) or ())
        how = "同名" if self.raw.get(raw) else "名称写法不同"
        if len(exact) == 1:
            return Match(name, exact[0], how)
        if len(exact) > 1:  # the roster gives the same name to two agencies: a person says which
            return Match(name, candidates=exact)
        chain, body = split_regions(key, self.regions)
        fits = sorted({i for i, other in self.bodies.get(body, []) if _chain_fits(chain, other)})
        if len(fits) == 1:
            return Match(name, fits[0], "去掉地名后相同")
        return Match(name, candidates=fits)


__all__ = ["Match", "NameIndex", "name_key", "regions_of", "split_regions"]
