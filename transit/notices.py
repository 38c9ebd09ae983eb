"""Notices: findings about input data, each with a code, a severity and a location.

Modelled on the MobilityData validator: a code derived from the notice name, a severity
(ERROR blocks a build, WARNING should be looked at, INFO is informative), structured fields.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from transit.errors import Location


class Severity(enum.IntEnum):
    """How serious a notice is; ordered so that ``max()`` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Notice:
    """One finding: ``code`` (snake_case), ``severity``, ``message`` for people, ``location``."""

    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{self.severity} {self.code}: {where + ': ' if where else ''}{self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """A flat record (for JSON/CSV reports): code, severity, message and location fields."""
        loc = self.location
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": loc.file,
            "sheet": loc.sheet,
            "cell": loc.cell,
            "row": loc.row,
            "column": loc.column,
            "field": loc.field,
        }


def has_errors(notices: Iterable[Notice]) -> bool:
    """True when any notice has ERROR severity."""
    return any(n.severity is Severity.ERROR for n in notices)


def count_by_code(notices: Iterable[Notice]) -> dict[tuple[str, str], int]:
    """Counts keyed by ``(severity, code)``, sorted worst first then by code."""
    counts = Counter((str(n.severity), n.code) for n in notices)
    order = {"ERROR": 0, "WARNING": 1, "INFO": 2}
    return dict(sorted(counts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])))
