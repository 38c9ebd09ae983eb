"""Notices: findings about input data, each with a code, a severity and a location.

Modelled on the MobilityData validator: a code derived from the notice name, a severity
(ERROR blocks a build, WARNING should be looked at, INFO is informative), structured fields.

Every family of codes (source-folder notices, ridership rejects, broken dispatch rules, …) is a
:class:`NoticeCatalogue`: each code has one severity and one meaning, an unknown code cannot be
emitted, and ``docs/notices.md`` documents every catalogue (a test compares them).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from transit.core.errors import Location


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
            "member": loc.member,
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


@dataclass(frozen=True)
class NoticeCatalogue:
    """A family of notice codes: ``codes`` maps a code to ``(severity, meaning)``.

    ``title`` names the family in the documentation (``docs/notices.md`` has one section per
    catalogue). Iterating gives the codes in catalogue order.
    """

    title: str
    codes: Mapping[str, tuple[Severity, str]]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def severity_of(self, code: str) -> Severity:
        """The severity of a known code; raises :class:`KeyError` for an unknown one."""
        return self.codes[code][0]

    def meaning(self, code: str) -> str:
        """What a known code means (one sentence); raises :class:`KeyError` for an unknown one."""
        return self.codes[code][1]

    def notice(self, code: str, message: str, location: Location | None = None) -> Notice:
        """A :class:`Notice` for a catalogued ``code``, its severity from the catalogue; raises
        :class:`KeyError` for an unknown code."""
        return Notice(code, self.severity_of(code), message, location or Location())
