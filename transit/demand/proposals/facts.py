"""What the rules read: the store's rides as loads on the feed's timetable, and KPIs by trip.

The timetable is the feed's (the scenario files' baseline), so every trip, route and stop a rule
names exists in the feed; the rides come from the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transit.core.errors import DataNotFoundError, InputError, Location
from transit.demand.kpis import compute_kpis, scheduled_runs
from transit.demand.loads import compute_loads
from transit.demand.records import day_type_of
from transit.demand.schedule import Schedule, build_schedule
from transit.demand.store.folder import MANIFEST
from transit.demand.store.queries import od_counts, query_rides, ride_totals, stop_visits
from transit.gtfs.feedio import read_feed


@dataclass(frozen=True)
class Facts:
    """The feed's schedule, the period with data (``first``, ``last``), ``loads`` (per trip run
    and stop, :func:`transit.demand.loads.compute_loads`), ``runs`` (scheduled runs of the
    period, :func:`transit.demand.kpis.scheduled_runs`) and ``trips`` (KPIs per trip with
    ``service_id``, ``direction_id``, ``start_s``), ``od`` (rides of the period by
    ``board_stop_id``, ``alight_stop_id``: ``rides``)."""

    schedule: Schedule
    first: pd.Timestamp
    last: pd.Timestamp
    loads: pd.DataFrame
    runs: pd.DataFrame
    trips: pd.DataFrame
    od: pd.DataFrame = field(default_factory=pd.DataFrame)

    def source(self, table: str) -> str:
        """The evidence source label of ``table`` (e.g. ``loads (store, 2026-04-01..2026-04-28)``)."""
        return f"{table} (store, {self.first:%Y-%m-%d}..{self.last:%Y-%m-%d})"

    def route_name(self, route_id: str) -> str:
        """The route's long (else short) name, else its id."""
        names = self.schedule.routes.set_index("route_id")["route_name"]
        name = str(names.get(route_id, "")) if route_id in names.index else ""
        return name or route_id

    def service_label(self, service_id: str) -> str:
        """The day types a service runs on in the period (``平日``, ``土曜・日祝``, …), else its
        id."""
        sd = self.schedule.service_dates
        dates = pd.to_datetime(sd.loc[sd["service_id"] == service_id, "date"])
        dates = dates[(dates >= self.first) & (dates <= self.last)]
        kinds = {day_type_of(d.date()) for d in dates}
        order = [k for k in ("平日", "土曜", "日祝") if k in kinds]
        return "・".join(order) or service_id

    def stop_name(self, stop_id: str) -> str:
        """The stop's name, else its id."""
        names = self.schedule.stops.drop_duplicates("stop_id").set_index("stop_id")["stop_name"]
        return str(names.get(stop_id, "")) or stop_id


def read_facts(store: Path, feed: Path) -> Facts:
    """Read the store's rides and the feed's timetable.

    Raises :class:`DataNotFoundError` when either is missing, :class:`InputError` when the store
    has no rides or shares no stop with the feed.
    """
    if not (store / MANIFEST).is_file():
        raise DataNotFoundError(f"not a ridership store (no {MANIFEST})", Location.of(store))
    if not feed.exists():
        raise DataNotFoundError("feed not found", Location.of(feed))
    tables = read_feed(feed)
    names = ("stops", "routes", "trips", "stop_times", "calendar", "calendar_dates")
    schedule = build_schedule({n: tables.get(n) for n in names})
    routes = tables.get("routes")
    if "route_long_name" in routes.columns:
        long_ = routes["route_long_name"].fillna("").astype(str)
        schedule.routes["route_name"] = long_.where(long_ != "", schedule.routes["route_name"])
    totals = ride_totals(store)
    if not totals["rides"]:
        raise InputError("the store has no rides yet", Location.of(store))
    stops = query_rides(
        store, "SELECT board_stop_id AS s FROM rides UNION SELECT alight_stop_id FROM rides"
    )
    if not set(schedule.stops["stop_id"]) & set(stops["s"].astype(str)):
        raise InputError(
            f"no stop of the store's rides is in the feed {feed.name} (a store of another city?)",
            Location.of(store),
        )
    visits = stop_visits(store)
    first, last = pd.Timestamp(totals["first_date"]), pd.Timestamp(totals["last_date"])
    runs = scheduled_runs(schedule, first, last)
    loads = compute_loads(_every_run(visits, runs), schedule)
    trips = compute_kpis(loads, runs, ["route_id", "trip_id"])
    info = schedule.trips[["trip_id", "service_id", "direction_id", "start_s"]]
    trips = trips.merge(info, on="trip_id", how="left")
    od = od_counts(store).groupby(["board_stop_id", "alight_stop_id"], as_index=False)
    return Facts(schedule, first, last, loads, runs, trips, od[["rides"]].sum())


def _every_run(visits: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """``visits`` plus an empty first-stop row for every scheduled run nobody rode, so loads
    count unridden runs as runs with nobody on board."""
    seen = set(zip(visits["trip_id"].astype(str), pd.to_datetime(visits["date"]), strict=True))
    keys = zip(runs["trip_id"].astype(str), pd.to_datetime(runs["date"]), strict=True)
    empty = runs[[k not in seen for k in keys]]
    extra = pd.DataFrame({
        "trip_id": empty["trip_id"].astype(str), "date": pd.to_datetime(empty["date"]),
        "day_type": empty["day_type"], "seq": 0, "boardings": 0, "alightings": 0, "fare_yen": 0,
    })  # fmt: skip
    both = pd.concat([visits.assign(date=pd.to_datetime(visits["date"])), extra], ignore_index=True)
    return both.astype(
        {"seq": "int64", "boardings": "int64", "alightings": "int64", "fare_yen": "int64"}
    )
