"""Exception types that carry a location a person can open (file, sheet, cell, row).

The CLI maps :class:`InputError` (and subclasses) to exit code 2 and :class:`WorkError` to exit
code 1, printing ``str(error)``: one line naming where the problem is and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where something is: any of file, member (of a zip archive), sheet, cell (``F12``), row
    (1-based), column, field."""

    file: str | None = None
    member: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    @classmethod
    def of(cls, file: str | Path | None = None, **kw: str | int | None) -> Location:
        """Build a location; a path is shown by its name only (what a user sees in a folder)."""
        name = Path(file).name if isinstance(file, Path) else file
        return cls(file=name, **kw)  # type: ignore[arg-type]

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.member:
            parts.append(f"member {self.member}")
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


class TransitError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(TransitError):
    """Bad input from the user: a file, sheet, cell or option that is not what was expected."""

    exit_code = 2


class InputErrors(InputError):
    """Several input problems found in one pass; raised once with all of them."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = list(errors)
        first = self.errors[0] if self.errors else InputError("no errors")
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first.message + more, first.location)


class ConfigError(InputError):
    """A configuration file (TOML) is missing a key, has a wrong type or an unknown key."""


class DataNotFoundError(InputError):
    """An input file or data folder does not exist."""


class WorkError(TransitError):
    """The work itself failed (e.g. a feed failed validation, a solver found no plan)."""

    exit_code = 1


class RefusedError(WorkError):
    """An action was refused to protect data (overwrite a publication, break continuity)."""
