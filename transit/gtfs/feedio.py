"""Read and write GTFS feeds (zip or folder) as tables of text, deterministically and atomically.

:func:`read_feed` keeps every value as ``str`` (no type guessing: ids like ``0001`` and dates stay
as written). :func:`write_feed` writes the same input to the same bytes: canonical column order
from :mod:`transit.gtfs.schema` then extra columns sorted, rows sorted by primary key, UTF-8
without BOM, ``\\n`` line ends, fixed zip member order and timestamps. The file is written to a
temporary file in the target folder, flushed to disk and renamed over the target.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from transit.core.errors import DataNotFoundError, InputError, Location
from transit.core.fileio import atomic_write_bytes, fsync_dir
from transit.core.safezip import check_archive, read_member
from transit.gtfs.schema import TABLE_ORDER, canonical_columns, table

log = logging.getLogger(__name__)

#: Timestamp of every zip member (the earliest a zip can hold), so equal input gives equal bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Feed:
    """A GTFS feed in memory: ``tables`` maps a table name (``"stops"``) to a DataFrame of str.

    ``source`` is where it was read from (``None`` for a feed built in memory). Tables are not
    copied on access: treat them as read-only and build new frames to change a feed.
    """

    tables: Mapping[str, pd.DataFrame]
    source: Path | None = field(default=None, compare=False)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    @property
    def names(self) -> list[str]:
        """Table names present, in canonical order then extras sorted."""
        return _ordered_names(self.tables)

    def has(self, name: str) -> bool:
        """True when table ``name`` is present and has at least one row."""
        return name in self.tables and len(self.tables[name]) > 0

    def get(self, name: str) -> pd.DataFrame:
        """Table ``name``; an empty frame with the schema's columns when the feed lacks it."""
        if name in self.tables:
            return self.tables[name]
        known = table(name)
        cols = list(known.column_names) if known is not None else []
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})

    def column(self, name: str, col: str) -> pd.Series:
        """Column ``col`` of table ``name``; empty strings when the table lacks that column."""
        df = self.get(name)
        if col in df.columns:
            return df[col]
        return pd.Series([""] * len(df), index=df.index, dtype=object, name=col)

    @property
    def agency(self) -> pd.DataFrame:
        """``agency.txt``."""
        return self.get("agency")

    @property
    def stops(self) -> pd.DataFrame:
        """``stops.txt``."""
        return self.get("stops")

    @property
    def routes(self) -> pd.DataFrame:
        """``routes.txt``."""
        return self.get("routes")

    @property
    def trips(self) -> pd.DataFrame:
        """``trips.txt``."""
        return self.get("trips")

    @property
    def stop_times(self) -> pd.DataFrame:
        """``stop_times.txt``."""
        return self.get("stop_times")

    @property
    def calendar(self) -> pd.DataFrame:
        """``calendar.txt``."""
        return self.get("calendar")

    @property
    def calendar_dates(self) -> pd.DataFrame:
        """``calendar_dates.txt``."""
        return self.get("calendar_dates")

    @property
    def feed_info(self) -> pd.DataFrame:
        """``feed_info.txt``."""
        return self.get("feed_info")

    def replace(self, **tables: pd.DataFrame) -> Feed:
        """A new feed with the given tables replaced or added (the others shared)."""
        merged = dict(self.tables)
        merged.update(tables)
        return Feed(merged, self.source)


def _ordered_names(tables: Mapping[str, object]) -> list[str]:
    known = [n for n in TABLE_ORDER if n in tables]
    return known + sorted(n for n in tables if n not in TABLE_ORDER)


# --------------------------------------------------------------------------------------- reading


def read_feed(path: Path | str) -> Feed:
    """Read a GTFS feed from a ``.zip`` file or a folder of ``.txt`` files.

    Every ``*.txt`` member becomes a table of ``str`` (empty cells are ``""``); column names are
    stripped of spaces and a UTF-8 BOM. A zip whose files sit in one sub-folder is read as well.
    Empty (0-byte) files become tables with no columns and no rows.

    Returns
    -------
    Feed
        Tables keyed by name without ``.txt``, e.g. ``feed.tables["stops"]``.

    Raises
    ------
    DataNotFoundError
        ``path`` does not exist.
    InputError
        Not a zip or folder, a corrupt zip, a file that is not UTF-8 CSV, or no ``.txt`` at all.
    """
    path = Path(path)
    if not path.exists():
        raise DataNotFoundError(f"feed not found: {path}")
    raw: dict[str, bytes] = {}
    if path.is_dir():
        for member in sorted(path.glob("*.txt")):
            raw[member.stem] = member.read_bytes()
    else:
        try:
            with zipfile.ZipFile(path) as zf:
                for warning in check_archive(path, zf):
                    log.warning("%s", warning)
                members = [
                    i
                    for i in zf.infolist()
                    if not i.is_dir()
                    and i.filename.endswith(".txt")
                    and not PurePosixPath(i.filename).name.startswith(".")
                    and "__MACOSX" not in i.filename
                ]
                for info in members:
                    name = PurePosixPath(info.filename).stem
                    if name in raw:  # nested copies: keep the shallowest
                        continue
                    raw[name] = read_member(path, zf, info)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable GTFS zip ({exc})", Location.of(path)) from exc
    if not raw:
        raise InputError("no GTFS .txt files found", Location.of(path))
    tables = {name: _parse_table(data, Location.of(f"{name}.txt")) for name, data in raw.items()}
    log.debug("read feed %s: %s", path, ", ".join(f"{k}={len(v)}" for k, v in tables.items()))
    return Feed(tables, path)


def _parse_table(data: bytes, where: Location) -> pd.DataFrame:
    if not data.strip():
        return pd.DataFrame()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where) from exc
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"not a valid CSV table ({exc})", where) from exc
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    return df


# --------------------------------------------------------------------------------------- writing


def table_to_csv(name: str, df: pd.DataFrame) -> bytes:
    """The canonical CSV bytes of one table (what :func:`write_feed` puts in ``name.txt``).

    Columns in schema order then extras sorted; every value as text (``NaN``/``None`` → empty,
    integral floats in integer columns without ``.0``, other floats in shortest positional form);
    rows sorted by the primary key (numeric columns numerically) and then by every other column,
    so row order in the input never changes the output. UTF-8 without BOM, ``\\n`` line ends,
    minimal quoting.
    """
    cols = canonical_columns(name, [str(c) for c in df.columns])
    columns = {c: _as_text(df[c], name, c) for c in cols}
    order = _row_order(name, columns, cols, len(df))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(cols)
    lists = [columns[c] for c in cols]
    writer.writerows([col[i] for col in lists] for i in order)
    return buf.getvalue().encode("utf-8")


def _as_text(series: pd.Series, name: str, col: str) -> list[str]:
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return [str(v) for v in series.fillna("").tolist()]
    values = series.to_numpy(dtype=object)
    known = table(name)
    kind = known.kind(col) if known is not None else "text"
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            out.append("")
        elif isinstance(v, str):
            out.append(v)
        elif isinstance(v, bool | np.bool_):
            out.append("1" if v else "0")
        elif isinstance(v, int | np.integer):
            out.append(str(int(v)))
        elif isinstance(v, float | np.floating):
            fv = float(v)
            if kind in ("int", "enum", "id", "date") and fv.is_integer():
                out.append(str(int(fv)))
            else:
                out.append(np.format_float_positional(fv, trim="-"))
        else:
            out.append(str(v))
    return out


def _row_order(name: str, columns: Mapping[str, list[str]], cols: list[str], n: int) -> list[int]:
    """Row positions sorted by primary key (numeric columns numerically), then every column."""
    if n < 2 or not cols:
        return list(range(n))
    known = table(name)
    pk = [c for c in (known.primary_key if known is not None else ()) if c in cols]
    keys: dict[str, object] = {}
    by: list[str] = []
    for i, c in enumerate(pk + [c for c in cols if c not in pk]):
        if known is not None and known.kind(c) in ("int", "float"):
            keys[f"n{i}"] = pd.to_numeric(pd.Series(columns[c]), errors="coerce").fillna(np.inf)
            by.append(f"n{i}")
        keys[f"s{i}"] = columns[c]
        by.append(f"s{i}")
    frame = pd.DataFrame(keys)
    return [int(i) for i in frame.sort_values(by, kind="mergesort").index]


def feed_members(tables: Mapping[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    """``(file name, CSV bytes)`` for every non-empty table, in canonical file order."""
    out: list[tuple[str, bytes]] = []
    for name in _ordered_names(tables):
        df = tables[name]
        if len(df) == 0 or len(df.columns) == 0:
            log.debug("not writing empty table %s", name)
            continue
        out.append((f"{name}.txt", table_to_csv(name, df)))
    return out


def write_feed(tables: Mapping[str, pd.DataFrame] | Feed, path: Path | str) -> None:
    """Write ``tables`` as a GTFS feed: a ``.zip`` file, or a folder when ``path`` has no ``.zip``.

    Deterministic: equal tables give byte-identical files (see :func:`table_to_csv`; zip members
    in canonical order, stamped 1980-01-01 00:00, deflated, mode 0644). Atomic: the zip is written
    to a temporary file beside ``path``, flushed and fsynced, then renamed over ``path``; a folder
    is written beside it and swapped in. A table with no rows is not written.

    Raises
    ------
    InputError
        Nothing to write (every table is empty).
    """
    path = Path(path)
    tabs = tables.tables if isinstance(tables, Feed) else tables
    members = feed_members(tabs)
    if not members:
        raise InputError("feed has no non-empty table to write", Location.of(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".zip":
        atomic_write_bytes(path, zip_bytes(members))
    else:
        _write_folder(members, path)


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A deterministic zip archive of ``(name, data)`` members, in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for fname, data in members:
            info = zipfile.ZipInfo(fname, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


def _write_folder(members: list[tuple[str, bytes]], path: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for fname, data in members:
            with (tmp / fname).open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        tmp.chmod(0o755)
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            if old.exists():
                shutil.rmtree(old)
            path.replace(old)
            tmp.replace(path)
            shutil.rmtree(old)
        else:
            tmp.replace(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(path.parent)
