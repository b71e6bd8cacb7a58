"""The rules' version: a short digest of every rule's id, severity, scope, text and message in the
spec. A finding, or a review decision, made under another version was judged by other rules."""

from __future__ import annotations

import hashlib

from ..spec import SPEC


def rules_version() -> str:
    parts = ["\x1f".join((r.id, r.severity, r.scope, r.text, r.message)) for r in SPEC.rules]
    return hashlib.sha1("\x1e".join(parts).encode("utf-8")).hexdigest()[:12]


RULES_VERSION = rules_version()
