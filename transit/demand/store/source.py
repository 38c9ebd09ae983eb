"""An input file as a SQL relation for DuckDB: canonical column names, every value text.

CSV files are read by DuckDB's CSV reader with the header sniffed here (delimiter, encoding);
rows the reader cannot parse go to its rejects tables (``rej_errors``, ``rej_scans``). Parquet
files are read with every column cast to text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from transit.core.errors import InputError, Location
from transit.demand.records import normalize_header
from transit.demand.store.db import sql_ident, sql_str


@dataclass(frozen=True)
class Source:
    """A file to read: ``relation`` (SQL, canonical column names, all VARCHAR), the known
    ``columns`` it has, whether it is CSV, ends with a line break and has a UTF-8 header."""

    relation: str
    columns: tuple[str, ...]
    is_csv: bool
    ends_with_newline: bool
    header_ok: bool


def sniff_header(path: Path) -> tuple[list[str], str, bool]:
    """Header names (raw), delimiter and whether the header is valid UTF-8, of a CSV file."""
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        text = first.decode("utf-8-sig")
        ok = True
    except UnicodeDecodeError:
        text = first.decode("cp932", errors="replace")  # to name the columns in messages
        ok = False
    text = text.rstrip("\r\n")
    delim = max((",", "\t", ";"), key=text.count)
    return [h.strip().strip('"') for h in text.split(delim)], delim, ok


def open_source(path: Path, required: tuple[str, ...], known: tuple[str, ...]) -> Source:
    """The :class:`Source` of a ``.csv``/``.txt``/``.tsv`` or ``.parquet`` file; raises
    :class:`InputError` for another type or a missing ``required`` column."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_source(path, required, known)
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError(
            f"unsupported file type {suffix!r} (use .csv or .parquet)", Location.of(path)
        )
    return _csv_source(path, required, known)


def _parquet_source(path: Path, required: tuple[str, ...], known: tuple[str, ...]) -> Source:
    raw_names = list(pq.read_schema(path).names)
    names = [normalize_header(n) for n in raw_names]
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", Location.of(path))
    cols = [
        f"CAST({sql_ident(raw)} AS VARCHAR) AS {sql_ident(n)}"
        for raw, n in zip(raw_names, names, strict=True)
        if n in known
    ]
    rel = f"(SELECT {', '.join(cols)} FROM read_parquet({sql_str(str(path))}))"
    return Source(rel, tuple(n for n in names if n in known), False, True, True)


def _csv_source(path: Path, required: tuple[str, ...], known: tuple[str, ...]) -> Source:
    raw_names, delim, header_ok = sniff_header(path)
    names = [normalize_header(n) for n in raw_names]
    if header_ok:
        missing = [c for c in required if c not in names]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)} (header has {', '.join(raw_names)})",
                Location.of(path),
            )
    uniq = [n if n not in names[:i] else f"{n}_{i}" for i, n in enumerate(names)]
    spec = "{" + ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in uniq) + "}"
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 1))
        last = fh.read(1)
    rel = (
        f"read_csv({sql_str(str(path))}, header=true, auto_detect=false, columns={spec}, "
        f"delim={sql_str(delim)}, quote='\"', escape='\"', store_rejects=true, "
        "rejects_table='rej_errors', rejects_scan='rej_scans')"
    )
    return Source(rel, tuple(n for n in uniq if n in known), True, last in (b"\n", b""), header_ok)


def count_lines(path: Path) -> int:
    """Data rows of a text file: its lines without the header (a last line without a line
    break counts)."""
    n = 0
    last = b"\n"
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        n += 1
    return max(0, n - 1)  # without the header
