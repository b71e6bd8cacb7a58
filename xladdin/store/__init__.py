"""The results store of batch audits (one SQLite file): see db.py."""

from .db import DONE, STOPPED, RunInfo, Store, StoredFinding
from .rules import RULES_VERSION

__all__ = ["DONE", "RULES_VERSION", "STOPPED", "RunInfo", "Store", "StoredFinding"]
