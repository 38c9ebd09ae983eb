"""The masters of a source folder: ``stops.csv``, ``routes.csv``, the pole file, or the stops of
another feed (``--stops-from``).

Columns come from :mod:`transit.gtfs.source.columns`. A missing file or a missing required column
is one notice (and no rows); a bad cell is a notice at that cell, and the row is still read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from transit.core.errors import InputError, Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.codes import notice
from transit.gtfs.source.columns import POLE_FILE, ROUTES_CSV, STOPS_CSV, CsvFile
from transit.gtfs.source.model import Route, Stop
from transit.gtfs.source.workbook import cell_name

T = TypeVar("T")

_TR_COLS = ("table_name", "field_name", "language", "translation", "record_id")
_FEED_STOP_COLS = (
    "stop_id",
    "stop_name",
    "stop_lat",
    "stop_lon",
    "location_type",
    "platform_code",
    "zone_id",
)


def _read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text (save as 'CSV UTF-8')", Location.of(path)) from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    return header, [r for r in rows[1:] if any(v.strip() for v in r)]


@dataclass(frozen=True)
class _Master:
    """A master CSV read: its ``path``, column positions ``col`` and non-blank ``rows``."""

    path: Path
    col: dict[str, int]
    rows: list[list[str]]

    def get(self, raw: list[str], name: str) -> str:
        """The stripped value of column ``name`` in row ``raw`` (``""`` when absent)."""
        return self.name(raw, name).strip()

    def name(self, raw: list[str], name: str) -> str:
        """The value of column ``name`` as written, spaces kept (a name reaches the feed
        exactly); ``""`` when absent or blank."""
        i = self.col.get(name)
        value = raw[i] if i is not None and i < len(raw) else ""
        return value if value.strip() else ""

    def cell(self, line: int, name: str) -> str:
        """The A1 name of column ``name`` on ``line`` (1-based, the header is line 1)."""
        return cell_name(line, self.col[name] + 1)


def _read_rows(
    path: Path,
    spec: CsvFile,
    what: str,
    parse: Callable[[_Master, int, list[str], list[Notice]], T],
) -> tuple[list[T], list[Notice]]:
    """Every row of the master at ``path`` through ``parse(master, line, row, notices)``; no
    rows (and one notice) when the file or a required column is missing."""
    master, notices = _read_master(path, spec, what)
    if master is None:
        return [], notices
    rows = [parse(master, line, raw, notices) for line, raw in enumerate(master.rows, start=2)]
    return rows, notices


def _read_master(path: Path, spec: CsvFile, what: str) -> tuple[_Master | None, list[Notice]]:
    """The master at ``path``, or ``None`` with a notice when the file or a column is missing."""
    if not path.is_file():
        return None, [notice("missing_file", f"{spec.name} ({what}) is missing", Location.of(path))]
    header, rows = _read_csv_rows(path)
    missing = [c for c in spec.required if c not in header]
    if missing:
        return None, [
            notice(
                "missing_column",
                f"missing column(s): {', '.join(missing)}",
                Location.of(path, row=1),
            )
        ]
    return _Master(path, {name: i for i, name in enumerate(header)}, rows), []


def read_stops_csv(path: Path) -> tuple[list[Stop], list[Notice]]:
    """Read ``stops.csv`` (the stop master).

    Returns
    -------
    (list of Stop, list of Notice)
        Stops in file order; notices for missing columns, bad numbers and non-ASCII ids.
    """
    return _read_rows(path, STOPS_CSV, "the stop master", _stop)


def _stop(master: _Master, line: int, raw: list[str], notices: list[Notice]) -> Stop:
    """One row of stops.csv; problems are appended to ``notices``."""

    def loc(name: str) -> Location:
        return Location(file=master.path.name, cell=master.cell(line, name), row=line, column=name)

    coords: list[float | None] = []
    bad = False
    for name in ("stop_lat", "stop_lon"):
        text = normalize_text(master.get(raw, name))
        if not text:
            coords.append(None)
            continue
        try:
            coords.append(float(text))
        except ValueError:
            notices.append(notice("bad_csv_value", f"{name} {text!r} is not a number", loc(name)))
            coords.append(None)
            bad = True
    sid = master.get(raw, "stop_id")
    if not sid.isascii() or not sid:
        notices.append(
            notice("non_ascii_id", f"stop_id {sid!r} must be non-empty ASCII", loc("stop_id"))
        )
    zone = master.get(raw, "zone_id")
    if "zone_id" in master.col and not zone.isascii():
        notices.append(notice("non_ascii_id", f"zone_id {zone!r} must be ASCII", loc("zone_id")))
    return Stop(
        stop_id=sid,
        name=master.name(raw, "stop_name"),
        name_kana=master.get(raw, "stop_name_kana"),
        name_en=master.get(raw, "stop_name_en"),
        lat=coords[0],
        lon=coords[1],
        platform_code=master.get(raw, "platform_code"),
        parent_station=master.get(raw, "parent_station"),
        zone_id=zone,
        location_type=master.get(raw, "location_type"),
        bad_coordinates=bad,
        location=Location(file=master.path.name, cell=master.cell(line, "stop_id"), row=line),
    )


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_stops_feed(feed_path: Path) -> tuple[list[Stop], list[Notice]]:
    """Stops (poles, ``location_type`` 0 or empty) of another GTFS feed, for ``--stops-from``.

    Names are NFKC-normalized; readings and English names come from a GTFS-standard
    ``translations.txt`` when the feed has one, else stay empty (and are suggested later).
    """
    feed = read_feed(feed_path)
    kana: dict[str, str] = {}
    en: dict[str, str] = {}
    if feed.has("translations") and "record_id" in feed["translations"].columns:
        for table, fld, lang, text, rid in zip(
            *(feed.column("translations", c).astype(str).tolist() for c in _TR_COLS), strict=True
        ):
            if table == "stops" and fld == "stop_name" and lang in ("ja-Hrkt", "en"):
                (kana if lang == "ja-Hrkt" else en)[rid] = text
    cols = {c: feed.column("stops", c).astype(str).tolist() for c in _FEED_STOP_COLS}
    stops: list[Stop] = []
    for i in range(len(cols["stop_id"])):
        if cols["location_type"][i] not in ("0", ""):
            continue
        sid = cols["stop_id"][i]
        stops.append(
            Stop(
                stop_id=sid,
                name=cols["stop_name"][i].strip(),
                name_kana=kana.get(sid, ""),
                name_en=en.get(sid, ""),
                lat=_float_or_none(cols["stop_lat"][i]),
                lon=_float_or_none(cols["stop_lon"][i]),
                platform_code=cols["platform_code"][i],
                zone_id=cols["zone_id"][i],
                location=Location(file=f"{feed_path.name}:stops.txt", row=i + 2),
            )
        )
    return stops, []


def read_routes_csv(path: Path) -> tuple[list[Route], list[Notice]]:
    """Read ``routes.csv`` (the route master); notices for missing columns and non-ASCII ids."""
    return _read_rows(path, ROUTES_CSV, "the route master", _route)


def _route(master: _Master, line: int, raw: list[str], notices: list[Notice]) -> Route:
    """One row of routes.csv; problems are appended to ``notices``."""

    def get(name: str) -> str:
        return master.get(raw, name)

    where = Location(file=master.path.name, cell=master.cell(line, "route_id"), row=line)
    rid = get("route_id")
    if not rid or not rid.isascii():
        notices.append(notice("non_ascii_id", f"route_id {rid!r} must be non-empty ASCII", where))
    if not get("route_short_name") and not get("route_long_name"):
        notices.append(
            notice(
                "missing_route_name",
                f"route {rid!r} needs route_short_name or route_long_name",
                where,
            )
        )
    return Route(
        route_id=rid,
        short_name=master.name(raw, "route_short_name"),
        long_name=master.name(raw, "route_long_name"),
        long_name_kana=get("route_long_name_kana"),
        long_name_en=get("route_long_name_en"),
        route_type=get("route_type") or "3",
        color=get("route_color").lstrip("#"),
        text_color=get("route_text_color").lstrip("#"),
        fare_table=get("fare_table"),
        location=where,
    )


def read_pole_hints(path: Path) -> dict[tuple[str, int], str]:
    """``(route_id, stop index) -> stop_id`` from a pole file (columns: :data:`POLE_FILE`)."""
    hints: dict[tuple[str, int], str] = {}
    if not path.is_file():
        return hints
    text = path.read_text(encoding="utf-8-sig")
    width = len(POLE_FILE.names)
    for r in csv.reader(io.StringIO(text)):
        if len(r) < width:
            continue
        row = dict(zip(POLE_FILE.names, (v.strip() for v in r[:width]), strict=True))
        if row["index"].isdigit():
            code, pole = row["code"], row["pole"]
            hints[(row["route"], int(row["index"]))] = f"{code}_{pole}" if pole else code
    return hints
