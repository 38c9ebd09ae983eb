"""The proposal record: what changes, the edits of its scenario file, and the evidence."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

#: Unit of the evidence rows that count riders (suppressed below k when published).
RIDERS_UNIT = "人"


@dataclass(frozen=True)
class Evidence:
    """One number behind a proposal: ``measure`` (English key), ``label_ja``, ``value``,
    ``unit`` (人 = riders, suppressed below k when published), ``source`` (the table it comes
    from, e.g. ``loads (store, 2026-04-01..2026-04-28)``)."""

    measure: str
    label_ja: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Proposal:
    """A candidate edit of the network.

    ``id`` (ASCII, also the scenario file's name), ``kind`` (the rule: ``tail``, ``trips``,
    ``headway``, ``ondemand``, ``overlap``, ``redesign``), ``title_ja``, ``change_ja`` (what
    changes, one sentence), ``edits`` (the scenario file's ``[[edits]]`` tables, in the format
    of docs/scenarios.md), ``evidence``, and ``severity`` (the load the rule found, lower is
    weaker service; orders a rule's proposals), ``attachments`` (files the scenario file names,
    as (file name, text), written beside it).
    """

    id: str
    kind: str
    title_ja: str
    change_ja: str
    edits: tuple[dict[str, Any], ...]
    evidence: tuple[Evidence, ...]
    severity: float
    attachments: tuple[tuple[str, str], ...] = ()


def slug(*parts: str) -> str:
    """An ASCII id from ``parts`` (anything outside ``A-Za-z0-9_`` becomes ``_``), joined by
    ``-``."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]", "_", p) or "_" for p in parts)


def strongest(proposals: list[Proposal], limit: int) -> list[Proposal]:
    """The ``limit`` proposals of lowest severity (ties by id), ids made unique."""
    chosen = sorted(proposals, key=lambda p: (p.severity, p.id))[:limit]
    seen: dict[str, int] = {}
    out = []
    for p in chosen:
        n = seen.get(p.id, 0) + 1
        seen[p.id] = n
        out.append(p if n == 1 else dataclasses.replace(p, id=f"{p.id}-{n}"))
    return out
