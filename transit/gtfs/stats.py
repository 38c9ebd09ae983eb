"""Service statistics of a feed per route and day, computed with gtfs-kit.

What planners quote about a timetable (運行本数, 始発・終発, 平均運行間隔, 走行キロ, 運行時間) comes
from gtfs-kit's ``compute_trip_stats`` and ``compute_route_stats``; this module only chooses the
days, renames the columns into units people read, and writes the workbook.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

import gtfs_kit as gk
import pandas as pd

from transit.core import provenance as prov
from transit.core.errors import DataNotFoundError, InputError, Location
from transit.core.excel import SheetTable, evidence_sheet, write_workbook
from transit.core.safezip import check_zip_file

log = logging.getLogger(__name__)

#: Japanese headers of the workbook, in column order.
HEADERS_JA = {
    "date": "日付",
    "route_id": "路線ID",
    "route_short_name": "系統番号",
    "route_long_name": "路線名",
    "num_trips": "運行本数",
    "first_departure": "始発",
    "last_arrival": "終着",
    "mean_headway_min": "平均運行間隔(分)",
    "min_headway_min": "最短運行間隔(分)",
    "service_km": "走行キロ(km)",
    "service_hours": "運行時間(時間)",
    "mean_speed_kmh": "平均速度(km/h)",
}


def read_feed_kit(path: Path) -> gk.Feed:
    """Read a feed (zip or folder) with gtfs-kit, distances in kilometres."""
    if not Path(path).exists():
        raise DataNotFoundError(f"feed not found: {path}")
    for warning in check_zip_file(Path(path)):
        log.warning("%s", warning)
    try:
        return gk.read_feed(path, dist_units="km")
    except (ValueError, KeyError, OSError) as exc:
        raise InputError(f"not a readable GTFS feed ({exc})", Location.of(path)) from exc


def default_dates(feed: gk.Feed) -> list[str]:
    """A weekday (Wednesday) and a Saturday of the feed's first full week, as ``YYYYMMDD``."""
    week = feed.get_first_week()
    if len(week) < 7:
        raise InputError("the feed's calendar has no full week to take sample days from")
    return [week[2], week[5]]


def compute_service_stats(feed: gk.Feed, dates: Sequence[str]) -> pd.DataFrame:
    """Per route and date: trips, first departure, last arrival, headways, km, hours, speed.

    Returns
    -------
    pandas.DataFrame
        Columns (see :data:`HEADERS_JA`): ``date`` (YYYYMMDD), ``route_id``,
        ``route_short_name``, ``route_long_name``, ``num_trips``, ``first_departure`` and
        ``last_arrival`` (HH:MM:SS), ``mean_headway_min`` and ``min_headway_min`` (minutes,
        07:00–19:00), ``service_km`` (km along shapes or stop-to-stop), ``service_hours``
        (vehicle hours), ``mean_speed_kmh``; one ``date`` row ``合計`` per date with the sums.
        Routes without service on a date are left out.
    """
    for d in dates:
        try:
            dt.datetime.strptime(d, "%Y%m%d")
        except ValueError:
            raise InputError(f"'{d}' is not a date (expected YYYYMMDD)") from None
    trip_stats = gk.compute_trip_stats(feed)
    stats = gk.compute_route_stats(feed, list(dates), trip_stats=trip_stats)
    if stats.empty:
        return pd.DataFrame(columns=list(HEADERS_JA))
    names = feed.routes.set_index("route_id")["route_long_name"].astype(str)
    out = pd.DataFrame(
        {
            "date": stats["date"].astype(str),
            "route_id": stats["route_id"].astype(str),
            "route_short_name": stats["route_short_name"].astype(str),
            "route_long_name": stats["route_id"].map(names).fillna(""),
            "num_trips": stats["num_trips"].astype(int),
            "first_departure": stats["start_time"].astype(str),
            "last_arrival": stats["end_time"].astype(str),
            "mean_headway_min": stats["mean_headway"].round(1),
            "min_headway_min": stats["min_headway"].round(1),
            "service_km": stats["service_distance"].round(1),
            "service_hours": stats["service_duration"].round(2),
            "mean_speed_kmh": stats["service_speed"].round(1),
        }
    )
    totals = (
        out.groupby("date", as_index=False)[["num_trips", "service_km", "service_hours"]]
        .sum()
        .assign(route_id="合計", route_short_name="", route_long_name="")
    )
    totals["mean_speed_kmh"] = (totals["service_km"] / totals["service_hours"]).round(1)
    table = pd.concat([out, totals], ignore_index=True)
    table["_total"] = table["route_id"] == "合計"
    table = table.sort_values(["date", "_total", "route_id"], kind="stable").drop(columns="_total")
    return table.reset_index(drop=True)[[c for c in HEADERS_JA if c in table.columns]]


def write_service_stats(table: pd.DataFrame, path: Path, *, feed: Path | None = None) -> Path:
    """Write the statistics as an Excel workbook with Japanese headers (sheet 系統別運行実績,
    and 「出典・前提」 naming ``feed``, the feed they were computed from), and its
    ``provenance.json`` beside it; returns the workbook's path."""
    dates = sorted({str(d) for d in table["date"]}) if "date" in table.columns else []
    rec = prov.record(
        "系統別運行実績（gtfs-kit）/ service statistics per route and day",
        inputs=[prov.source("feed", feed)] if feed is not None else [],
        parameters=[prov.setting("dates", dates)],
    )
    sheets = [SheetTable("系統別運行実績", table, HEADERS_JA), evidence_sheet(rec, path.parent)]
    out = write_workbook(path, sheets)
    prov.write(rec, [out])
    return out
