"""Console helpers shared by the CLI command modules (printing, progress bars, tables)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from transit.core.errors import InputError, InputErrors
from transit.core.fileio import atomic_write_json

console = Console(highlight=False)
_err_console = Console(stderr=True, highlight=False)


def console_err(message: str) -> None:
    """Print one line to standard error (no markup interpretation)."""
    _err_console.print(message, markup=False, soft_wrap=True)


def say(message: str) -> None:
    """Print one line to standard output (no markup interpretation)."""
    console.print(message, markup=False, soft_wrap=True)


@contextmanager
def progress() -> Iterator[Progress]:
    """A rich progress display (transient, to stderr) for long work in the CLI."""
    prog = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err_console,
        transient=True,
    )
    with prog:
        yield prog


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table with a title to standard output."""
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(str(col))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def say_evidence(result: Path, *, lang: str = "ja") -> None:
    """The closing line of a printed table of results: where its numbers come from and whether
    they are illustrative (:func:`transit.core.explain.summary` of ``result``'s provenance)."""
    from transit.core import provenance as prov  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.core.explain import summary  # noqa: PLC0415  (keeps `transit --help` fast)

    found = prov.find(result)
    if found:
        say(summary(found[0].record, lang))
        say(
            f"（詳しくは transit explain {result}）"
            if lang == "ja"
            else f"(see transit explain {result})"
        )


def write_json(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, Japanese kept readable, sorted keys, 2-space indent), atomically."""
    atomic_write_json(path, data)


@contextmanager
def every_problem() -> Iterator[None]:
    """Print every problem of an input file (one line each, when there are several), then fail
    with exit code 2 (``N problems (listed above)``); a single problem passes through as it is."""
    try:
        yield
    except InputErrors as exc:
        if len(exc.errors) < 2:
            raise
        for problem in exc.errors:
            console_err(f"error: {problem}")
        raise InputError(f"{len(exc.errors)} problems (listed above)") from exc
