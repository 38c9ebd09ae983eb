"""Names in the written folder: ASCII ids, sheet names and workbook file names.

Ids that are not ASCII (or hold a comma or surrounding spaces) are replaced by ``S1``, ``R1``, …
in the order they are first met; the replacements are listed in the draft's ``id_map``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from transit.core.excel import safe_sheet_name

_FILE_BAD = re.compile(r"[^A-Za-z0-9._-]")


class AsciiIds:
    """ASCII id normalization: keeps ASCII ids, maps others to ``{prefix}{n}``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.mapping: dict[str, str] = {}
        self._used: set[str] = set()

    def reserve(self, values: Iterable[str]) -> None:
        """Never hand out one of the (valid) ``values`` as a replacement."""
        self._used |= {v for v in values if _ok_id(v)}

    def __call__(self, value: str) -> str:
        if value in self.mapping:
            return self.mapping[value]
        if _ok_id(value):
            return value
        n = len(self.mapping) + 1
        while f"{self.prefix}{n}" in self._used:
            n += 1
        new = f"{self.prefix}{n}"
        self._used.add(new)
        self.mapping[value] = new
        return new


def _ok_id(value: str) -> bool:
    return bool(value) and value.isascii() and value == value.strip() and "," not in value


@dataclass(frozen=True)
class ExportIds:
    """The four id kinds an export normalizes: stops, routes, services and fare zones."""

    stop: AsciiIds = field(default_factory=lambda: AsciiIds("S"))
    route: AsciiIds = field(default_factory=lambda: AsciiIds("R"))
    service: AsciiIds = field(default_factory=lambda: AsciiIds("svc"))
    zone: AsciiIds = field(default_factory=lambda: AsciiIds("Z"))

    @property
    def renamed(self) -> int:
        """How many ids were replaced."""
        return sum(len(m.mapping) for m in (self.stop, self.route, self.service, self.zone))

    def id_map(self) -> dict[str, dict[str, str]]:
        """``{"stop": {old: new}, "route": …, "service": …, "zone": …}``."""
        return {
            "stop": dict(self.stop.mapping),
            "route": dict(self.route.mapping),
            "service": dict(self.service.mapping),
            "zone": dict(self.zone.mapping),
        }


def sheet_name(base: str, used: set[str]) -> str:
    """:func:`~transit.core.excel.safe_sheet_name` of ``base`` among ``used`` (and added to it):
    the name the workbook writer keeps, so a fare sheet's name is its ``fare_table`` id."""
    name = safe_sheet_name(base, taken=used)
    used.add(name)
    return name


def file_name(route_id: str, used: set[str]) -> str:
    """A portable file stem from ``route_id``, unique among ``used`` regardless of case."""
    base = _FILE_BAD.sub("_", route_id) or "route"
    name, k = base, 2
    while name.lower() in used:
        name = f"{base}_{k}"
        k += 1
    used.add(name.lower())
    return name
