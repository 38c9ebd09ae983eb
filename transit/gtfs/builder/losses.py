"""What a build leaves out of what it read: the source model against the built tables.

:func:`~transit.gtfs.builder.tables.build_tables` leaves out trips whose route or day type is
unknown and stops without a pole. The checks report the causes, but a build must never drop
data silently, so :func:`build_losses` counts, trip by trip, the stop times the model holds and
the ones ``stop_times.txt`` holds, and, name by name, the timetable stops that reach
``stops.txt``; every difference is a located ERROR (``gtfs build`` exits 2 unless ``--force``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd

from transit.core.notices import Notice
from transit.gtfs.builder.tables import assign_trip_ids
from transit.gtfs.source.codes import notice
from transit.gtfs.source.model import Source, Trip, TripStop

_SHOWN = 5
"""How many stop names a notice lists before "…"."""


def build_losses(source: Source, tables: Mapping[str, pd.DataFrame]) -> list[Notice]:
    """ERROR notices for the trips' stop times and the timetable stops missing from ``tables``.

    Returns
    -------
    list of Notice
        One ``dropped_stop_times`` per trip (in reading order) with fewer rows in
        ``stop_times`` than stops in the model, at the trip's label cell; then one
        ``dropped_stop`` per stop name of the timetables none of whose rows reached
        ``stops.txt``, at its first name cell. Empty when nothing was lost.
    """
    trip_ids = {id(b.trip): b.trip_id for b in assign_trip_ids(source)}
    st, stops = tables["stop_times"], tables["stops"]
    rows = Counter(st["trip_id"]) if len(st) else Counter[str]()
    poles = set(stops["stop_id"]) if len(stops) else set()
    notices: list[Notice] = []
    lost_rows: dict[str, list[TripStop]] = {}
    kept_names: set[str] = set()
    for trip in source.trips:
        trip_id = trip_ids.get(id(trip))
        lost: list[TripStop] = []
        for ts in trip.stops:
            if trip_id is not None and ts.stop_id in poles:
                kept_names.add(ts.name)
            else:
                lost.append(ts)
                lost_rows.setdefault(ts.name, []).append(ts)
        built = rows.get(trip_id, 0) if trip_id is not None else 0
        if built < len(trip.stops):
            notices.append(_trip_loss(source, trip, len(trip.stops) - built, lost))
    for name, found in lost_rows.items():
        if name not in kept_names:
            notices.append(_stop_loss(name, found))
    return notices


def _trip_loss(source: Source, trip: Trip, missing: int, lost: Sequence[TripStop]) -> Notice:
    """The ``dropped_stop_times`` notice of one trip, saying why its rows were left out."""
    names = ", ".join(f"{ts.name} ({ts.name_location.cell})" for ts in lost[:_SHOWN])
    more = f" and {len(lost) - _SHOWN} more" if len(lost) > _SHOWN else ""
    return notice(
        "dropped_stop_times",
        f"trip {trip.label or trip.column!r}: {missing} of {len(trip.stops)} stop time(s) are "
        f"not in the built feed ({_why(source, trip)}): {names}{more}",
        trip.location,
    )


def _why(source: Source, trip: Trip) -> str:
    """Why a trip lost stop times: its route, its day type, or stops without a pole."""
    if trip.route_id not in {r.route_id for r in source.routes}:
        return f"route {trip.route_id!r} is not in routes.csv"
    if trip.day_type not in source.config.day_types:
        return f"day type {trip.day_type!r} is not in feed.toml"
    if sum(1 for ts in trip.stops if ts.stop_id) < 2:
        return "fewer than 2 of its stops have a pole in the stop master"
    return "stops without a pole in the stop master"


def _stop_loss(name: str, rows: Sequence[TripStop]) -> Notice:
    """The ``dropped_stop`` notice of a timetable stop name none of whose rows was built."""
    why = (
        "its trips are left out"
        if any(ts.stop_id for ts in rows)
        else "it has no pole in the stop master"
    )
    cells = len({ts.name_location for ts in rows})
    return notice(
        "dropped_stop",
        f"stop {name!r} is in {cells} timetable row(s) but not in the built stops.txt ({why})",
        rows[0].name_location,
    )
