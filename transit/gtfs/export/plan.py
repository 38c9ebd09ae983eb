"""Feed -> source folder (``docs/source-format.md``), so staff can edit a published feed in Excel.

:func:`plan_export` turns a :class:`~transit.gtfs.feedio.Feed` into a
:class:`~transit.gtfs.export.draft.SourceDraft` (pure: tables and sheet grids in memory);
:func:`transit.gtfs.export.folder.write_source` writes it:

- ``feed.toml``: ``[feed]`` from feed_info (or the service period), ``[agency]`` (+ ``[agency_jp]``),
  one ``[day_types.NAME]`` per service_id (NAME is the feed's service_id, NFKC-normalized as
  sheets are read; weekdays, national holidays and the New-Year break inferred from calendar +
  calendar_dates), ``[layout]`` transit, ``[checks] service_area`` around the feed's stops
  (:mod:`~transit.gtfs.export.feedtoml`, :mod:`~transit.gtfs.export.daytypes`);
- ``stops.csv`` and ``routes.csv`` with readings (ja-Hrkt) and English names from translations
  (:mod:`~transit.gtfs.export.masters`);
- ``timetables/{route}.xlsx``: one sheet per stop pattern × direction × service in the
  ``transit`` layout (stops down with their stop_id in column B, trips across, 着/発 rows where
  a trip's arrival and departure differ) (:mod:`~transit.gtfs.export.trips`,
  :mod:`~transit.gtfs.export.timetables`);
- ``fares/fares.xlsx``: one fare triangle per route whose fare_rules are by origin/destination
  zone (:mod:`~transit.gtfs.export.fares`).

Whatever the source format cannot hold is counted in ``SourceDraft.losses`` (e.g.
frequencies, pickup/drop-off types, shapes, calendar exceptions that are not holidays), so an
export never loses data silently. Ids that are not ASCII are replaced by ``S1``, ``R1``, … and
the replacements listed in ``SourceDraft.id_map`` (:mod:`~transit.gtfs.export.names`).
"""

from __future__ import annotations

from transit.core.errors import InputError, Location
from transit.gtfs.export.daytypes import plan_day_types
from transit.gtfs.export.draft import ExportLoss, SourceDraft
from transit.gtfs.export.fares import fare_sheets
from transit.gtfs.export.feedtoml import feed_toml
from transit.gtfs.export.frames import text_column
from transit.gtfs.export.masters import plan_stops, route_records, routes_table, translations
from transit.gtfs.export.names import ExportIds
from transit.gtfs.export.timetables import timetable_sheets
from transit.gtfs.export.trips import plan_trips
from transit.gtfs.feedio import Feed

_REQUIRED = ("stops", "routes", "trips", "stop_times")
_TRIP_FIELDS_KEPT = (
    "route_id",
    "service_id",
    "trip_id",
    "trip_headsign",
    "direction_id",
    "jp_trip_desc",
)
_FILES_KEPT = frozenset(
    {
        "agency",
        "agency_jp",
        "stops",
        "routes",
        "trips",
        "stop_times",
        "calendar",
        "calendar_dates",
        "fare_attributes",
        "fare_rules",
        "feed_info",
        "translations",
        "shapes",
        "frequencies",
    }
)


def plan_export(feed: Feed) -> SourceDraft:
    """Turn ``feed`` into a :class:`SourceDraft` (nothing is written).

    The phases run in this order, since ids that are not ASCII are numbered as they are met:
    stops, day types, trips, fare triangles, routes, timetable sheets, then what else is lost.

    Raises
    ------
    InputError
        The feed has no stops, routes, trips or stop_times, or no service dates.
    """
    for name in _REQUIRED:
        if not feed.has(name):
            raise InputError(
                f"the feed has no {name}.txt rows: nothing to export",
                Location.of(feed.source) if feed.source else None,
            )
    ids = _reserved_ids(feed)
    trans = translations(feed)
    stops = plan_stops(feed, ids, trans)
    days = plan_day_types(feed, ids.service)
    trips = plan_trips(feed)
    fares = fare_sheets(feed, trips.groups, names=stops.names, zones=stops.zones, ids=ids)
    route_recs = route_records(feed)
    routes = routes_table(route_recs, fares.route_fare, ids, trans)
    sheets = timetable_sheets(
        trips.groups,
        trips.trip_info,
        trips.by_trip,
        names=stops.names,
        day_names=days.names,
        route_recs=route_recs,
        stop_ids=ids.stop,
        route_ids=ids.route,
    )
    losses = [*stops.losses, *days.losses, *trips.losses, *fares.losses, *_dropped(feed, ids)]
    return SourceDraft(
        feed_toml(feed, days.period, days.day_types),
        stops.table,
        routes,
        tuple(sheets),
        tuple(fares.sheets),
        tuple(losses),
        ids.id_map(),
    )


def _reserved_ids(feed: Feed) -> ExportIds:
    """Id normalization that never hands out an id the feed already uses."""
    ids = ExportIds()
    ids.stop.reserve(text_column(feed.stops, "stop_id"))
    ids.route.reserve(text_column(feed.routes, "route_id"))
    ids.service.reserve(text_column(feed.trips, "service_id"))
    ids.zone.reserve(text_column(feed.stops, "zone_id"))
    return ids


def _dropped(feed: Feed, ids: ExportIds) -> list[ExportLoss]:
    """What else the source format cannot hold: shapes, trip columns, files, agencies after the
    first, and the ids replaced (call last: it counts every replacement)."""
    losses: list[ExportLoss] = []
    if feed.has("shapes"):
        losses.append(
            ExportLoss(
                "shapes_dropped", len(feed["shapes"]), "shape points (the build draws shapes anew)"
            )
        )
    trips = feed.trips
    dropped_cols = sorted(
        c
        for c in trips.columns
        if c not in _TRIP_FIELDS_KEPT and any(v != "" for v in text_column(trips, c))
    )
    if dropped_cols:
        losses.append(
            ExportLoss(
                "trip_fields_dropped",
                len(dropped_cols),
                "trips.txt columns: " + ", ".join(dropped_cols),
            )
        )
    extra = sorted(n for n in feed.names if n not in _FILES_KEPT and feed.has(n))
    if extra:
        losses.append(
            ExportLoss(
                "files_dropped", len(extra), "files: " + ", ".join(f"{n}.txt" for n in extra)
            )
        )
    if len(feed.agency) > 1:
        losses.append(
            ExportLoss("agencies_dropped", len(feed.agency) - 1, "agencies after the first")
        )
    if ids.renamed:
        losses.append(
            ExportLoss("ids_normalized", ids.renamed, "non-ASCII ids replaced (see id_map)")
        )
    return losses
