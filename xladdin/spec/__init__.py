"""The report format as data: the single source of truth for every other module."""

from .format2021 import SPEC, VIRTUAL_KEYS
from .model import Cell, Identity, Rule, Section, Spec, Table

__all__ = ["SPEC", "VIRTUAL_KEYS", "Cell", "Identity", "Rule", "Section", "Spec", "Table"]
