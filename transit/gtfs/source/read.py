"""Read a source folder (feed.toml, stops.csv, routes.csv, timetables/, fares/) into a :class:`Source`.

Reading never stops at the first problem: every problem that can be located (a file, a sheet, a
cell, a CSV row) becomes a :class:`~transit.core.notices.Notice` in ``Source.notices``. Only a folder
that cannot be read at all (no feed.toml, a feed.toml that does not parse) raises an
:class:`~transit.core.errors.InputError`.

The parts are read by :mod:`~transit.gtfs.source.masters` (stops.csv, routes.csv, the pole
file), :mod:`~transit.gtfs.source.discovery` (the workbooks of timetables/ and fares/) and
:mod:`~transit.gtfs.source.resolve` (timetable stop names -> poles).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transit.core.config import from_mapping, read_toml
from transit.core.errors import DataNotFoundError, Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.discovery import Progress, read_fares, read_timetables
from transit.gtfs.source.masters import (
    read_pole_hints,
    read_routes_csv,
    read_stops_csv,
    read_stops_feed,
)
from transit.gtfs.source.model import FareTable, FeedConfig, Route, Source, Stop, Trip
from transit.gtfs.source.profiles import LayoutProfile, get_profile, profile_from_mapping
from transit.gtfs.source.resolve import resolve_stops
from transit.gtfs.source.sheetroutes import SheetRoutes

log = logging.getLogger(__name__)


def read_config(folder: Path) -> FeedConfig:
    """Read and validate ``feed.toml``; raises a located input error listing every problem."""
    path = folder / "feed.toml"
    if not path.is_file():
        raise DataNotFoundError(
            "feed.toml not found: is this a source folder? (`transit gtfs init DIR` writes one)",
            Location.of(folder),
        )
    data = read_toml(path)
    return from_mapping(FeedConfig, data, source="feed.toml")


def read_source(
    folder: Path,
    *,
    profile: str | None = None,
    stops_from: Path | None = None,
    all_sheets: bool = False,
    progress: Progress | None = None,
) -> Source:
    """Read a source folder into a :class:`Source` (model + notices).

    Parameters
    ----------
    folder
        The source folder (feed.toml, stops.csv, routes.csv, timetables/, fares/).
    profile
        Layout profile name overriding ``[layout] profile`` of feed.toml.
    stops_from
        A GTFS feed (zip or folder) whose stops replace stops.csv (matched by NFKC name).
    all_sheets
        Read sheets of routes missing from routes.csv too (for checking whole workbooks).
    progress
        Called with each workbook's name as it is read.

    Returns
    -------
    Source
        Notices in reading order: stops, routes, fare sheets, timetable sheets, stop resolution,
        then ``stops_from_feed`` with ``stops_from``.

    Raises
    ------
    InputError
        No feed.toml, or feed.toml is not valid.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataNotFoundError(f"source folder not found: {folder}")
    config = read_config(folder)
    prof = _layout_profile(config, profile)
    if stops_from is not None:
        stops, stop_notices = read_stops_feed(Path(stops_from))
    else:
        stops, stop_notices = read_stops_csv(folder / "stops.csv")
    routes, route_notices = read_routes_csv(folder / "routes.csv")
    listed = _listed_routes(routes, prof, all_sheets=all_sheets)
    fare_tables, fare_notices = read_fares(
        folder / "fares", prof, wanted=_wanted_fare_tables(routes, prof, listed)
    )
    trips, trip_notices = read_timetables(
        folder / "timetables",
        prof,
        routes=listed,
        progress=progress,
        sheet_routes=SheetRoutes.of(config),
    )
    if listed is None:
        routes.extend(_unlisted_routes(trips, routes))
    trips, resolve_notices = _resolve(folder, trips, stops, prof, fare_tables)
    notices = [*stop_notices, *route_notices, *fare_notices, *trip_notices, *resolve_notices]
    if stops_from is not None:
        notices.append(_stops_from_notice(Path(stops_from), stops, trips))
    log.info("read %s: %d stops, %d routes, %d trips", folder, len(stops), len(routes), len(trips))
    return Source(
        config=config,
        stops=tuple(stops),
        routes=tuple(routes),
        trips=tuple(trips),
        fare_tables=tuple(fare_tables),
        notices=tuple(notices),
        profile=prof,
    )


def _layout_profile(config: FeedConfig, name: str | None) -> LayoutProfile:
    """feed.toml's ``[layout]``, its ``profile`` replaced by ``name`` when given."""
    layout: dict[str, Any] = dict(config.layout)
    if name is not None:
        layout["profile"] = get_profile(name).name
    return profile_from_mapping(layout, source="feed.toml")


def _listed_routes(
    routes: list[Route], profile: LayoutProfile, *, all_sheets: bool
) -> set[str] | None:
    """The route ids whose sheets are read; ``None`` (every sheet) with ``all_sheets`` when the
    profile skips unlisted routes."""
    return None if all_sheets and profile.skip_unlisted_routes else {r.route_id for r in routes}


def _wanted_fare_tables(
    routes: list[Route], profile: LayoutProfile, listed: set[str] | None
) -> set[str] | None:
    """The fare tables to read: those of the listed routes when the profile skips unlisted
    routes (a sheet may be named by its route), else every one (``None``)."""
    if profile.skip_unlisted_routes and listed is not None:
        return {r.fare_table for r in routes} | {r.route_id for r in routes}
    return None


def _unlisted_routes(trips: list[Trip], routes: list[Route]) -> list[Route]:
    """A placeholder route for each route of the sheets that routes.csv does not list."""
    extra = sorted({t.route_id for t in trips} - {r.route_id for r in routes})
    return [Route(rid, "", rid, "", "", location=Location(file="routes.csv")) for rid in extra]


def _resolve(
    folder: Path,
    trips: list[Trip],
    stops: list[Stop],
    profile: LayoutProfile,
    fare_tables: list[FareTable],
) -> tuple[list[Trip], list[Notice]]:
    """The trips with their poles; unchanged without a stop master (already reported), since
    every stop would be "unknown"."""
    hints = read_pole_hints(folder / profile.pole_file) if profile.pole_file else {}
    if not stops:
        return trips, []
    return resolve_stops(trips, stops, profile=profile, pole_hints=hints, fare_tables=fare_tables)


def _stops_from_notice(feed: Path, stops: Sequence[Stop], trips: Sequence[Trip]) -> Notice:
    """How many timetable stop names the poles of another feed matched."""
    used = {ts.name for t in trips for ts in t.stops}
    matched = used & {normalize_text(s.name) for s in stops}
    return notice(
        "stops_from_feed",
        f"{len(stops)} poles from {feed.name}; {len(matched)} of {len(used)} "
        "stop names in the timetables matched",
        Location.of(feed),
    )
