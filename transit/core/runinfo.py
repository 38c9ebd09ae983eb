"""What a run is and how its files are fingerprinted, for provenance
(:mod:`transit.core.provenance`): the command line (:func:`running`, :func:`command_line`), the
toolkit's version and commit (:func:`tool_info`), a folder's SHA-256 (:func:`tree_sha256`), a
CSV's rows (:func:`csv_rows`) and values as JSON holds them (:func:`jsonable`).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from transit.core.fileio import sha256_file
from transit.core.paths import REPO_DIR

#: The name of the provenance file beside results (left out of a folder's SHA-256).
FILE_NAME = "provenance.json"

_COMMAND: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "transit_command", default=None
)


@contextlib.contextmanager
def running(command: Sequence[str]) -> Iterator[None]:
    """Within the block, records name ``command`` as the command line (the CLI sets it)."""
    token = _COMMAND.set(tuple(command))
    try:
        yield
    finally:
        _COMMAND.reset(token)


def command_line() -> tuple[str, ...]:
    """The command line of this run: the one :func:`running` set, else ``sys.argv`` (the
    program's name without its folder)."""
    given = _COMMAND.get()
    if given is not None:
        return given
    argv = list(sys.argv) or ["python"]
    return (Path(argv[0]).name, *argv[1:])


@functools.cache
def tool_info() -> dict[str, str]:
    """``name``, ``version`` and, when run from a git checkout, ``commit`` (with ``+dirty``
    when files differ from it)."""
    from transit import __version__  # noqa: PLC0415  (transit imports nothing at its top)

    out = {"name": "transit", "version": __version__}
    if (REPO_DIR / ".git").exists():
        commit = _git("rev-parse", "HEAD")
        if commit:
            dirty = _git("status", "--porcelain", "--untracked-files=no")
            out["commit"] = commit + ("+dirty" if dirty else "")
    return out


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_DIR), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def tree_sha256(folder: Path) -> tuple[str, int]:
    """SHA-256 of a folder's content and its number of files: the hash of the sorted lines
    ``relative/path<TAB>sha256`` of every file under it (``provenance.json`` files left out,
    so that recording a folder does not change it)."""
    lines = [
        f"{p.relative_to(folder).as_posix()}\t{sha256_file(p)}\n"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != FILE_NAME
    ]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest(), len(lines)


def csv_rows(path: Path) -> int | None:
    """Data rows of a CSV file (lines after the header; ``None`` for other files)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return None
    with path.open("rb") as fh:
        lines = sum(1 for line in fh if line.strip())
    return max(0, lines - 1)


def jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it: dataclasses and mappings as objects, sequences as lists,
    paths and dates as text, NumPy scalars as numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Path | dt.date):
        return str(value)
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value
