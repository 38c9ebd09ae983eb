"""Evaluate one scenario: apply it, re-route its riders, simulate its on-demand zones, block its
vehicles, measure its coverage, and gather what :mod:`.measures` needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transit.demand.scenarios.apply import Applied, apply_scenario, scenario_roads
from transit.demand.scenarios.assign import assign_riders
from transit.demand.scenarios.blocking import block_trips
from transit.demand.scenarios.coverage import compute_coverage, read_population
from transit.demand.scenarios.feedops import stop_points
from transit.demand.scenarios.measures import Parts, route_measures, stop_measures
from transit.demand.scenarios.ondemand import KPI_COLUMNS, serve_on_demand, zone_of_riders
from transit.demand.scenarios.params import CostParams
from transit.demand.scenarios.roads import Roads
from transit.demand.scenarios.scenario import RouteScenario
from transit.demand.scenarios.timetable import Network, prepare_network, service_sets
from transit.gtfs.feedio import Feed

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One scenario evaluated: the applied scenario, the measure inputs (:class:`Parts`), the
    route and stop tables, and the blocks of each kind of service day (``service_set``,
    ``trips``, ``vehicles``, ``driver_hours``)."""

    applied: Applied
    parts: Parts
    routes: pd.DataFrame
    stops: pd.DataFrame
    blocks: pd.DataFrame

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.applied.scenario.name


def evaluate_scenario(
    scenario: RouteScenario,
    riders: pd.DataFrame,
    *,
    baseline: Feed | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Evaluate ``scenario`` for ``riders`` (a rider table, :mod:`.riders`)."""
    say = progress or (lambda _m: None)
    roads = scenario_roads(scenario)
    applied = apply_scenario(scenario, baseline=baseline, roads=roads)
    say(f"{scenario.name}: journeys")
    network = prepare_network(applied.feed, scenario.search)
    zoned = np.zeros(len(riders), dtype=bool)
    zoned[zone_of_riders(applied, riders)["rider"].to_numpy(dtype=int)] = True
    bus = assign_riders(network, riders[~zoned], params=scenario.search)
    journeys, legs = bus.journeys.assign(zone=np.nan), bus.legs
    odt_days = pd.DataFrame(columns=list(KPI_COLUMNS))
    if zoned.any():
        odt = serve_on_demand(
            applied,
            network,
            riders[zoned].reset_index(drop=True),
            params=scenario.search,
            progress=say,
        )
        journeys = pd.concat([journeys, odt.journeys], ignore_index=True)
        legs = pd.concat([legs, odt.legs], ignore_index=True)
        odt_days = odt.days
    order = pd.Series(np.arange(len(riders)), index=riders["rider_id"].astype(str))
    journeys = journeys.iloc[np.argsort(journeys["rider_id"].map(order).to_numpy(), kind="stable")]
    say(f"{scenario.name}: vehicles")
    dates = pd.Series(sorted(pd.to_datetime(riders["date"]).unique()))
    runs = _runs(network, dates)
    days, blocks = network_blocks(network, stop_points(applied.feed), dates, roads, scenario.costs)
    parts = Parts(
        feed=applied.feed,
        baseline=applied.baseline,
        riders=riders,
        journeys=journeys.reset_index(drop=True),
        legs=legs.reset_index(drop=True),
        runs=runs,
        days=days,
        odt_days=odt_days,
        coverage=_coverage(scenario, applied),
        costs=scenario.costs,
    )
    return Evaluation(applied, parts, route_measures(parts), stop_measures(parts), blocks)


def _runs(network: Network, dates: pd.Series) -> pd.DataFrame:
    """Every trip run on the given dates: ``trip_id``, ``route_id``, ``date``, ``km``, ``hours``."""
    sd = network.service_dates
    sd = sd[sd["date"].isin(set(pd.to_datetime(dates)))]
    trips = network.schedule.trips[["trip_id", "route_id", "service_id", "km", "hours"]]
    runs = trips.merge(sd, on="service_id", how="inner")
    return (
        runs[["trip_id", "route_id", "date", "km", "hours"]]
        .sort_values(["date", "trip_id"])
        .reset_index(drop=True)
    )


def network_blocks(
    network: Network,
    points: dict[str, tuple[float, float]],
    dates: pd.Series,
    roads: Roads,
    costs: CostParams,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The vehicle blocking of ``network`` on ``dates`` (``points``: stop id → (lat, lon) of the
    terminals; deadhead runs on ``roads``): per date ``date``, ``vehicles``, ``driver_hours``;
    per kind of service day (the set of services running) ``service_set``, ``trips``,
    ``vehicles``, ``driver_hours`` (h), ``days``."""
    st = network.schedule.stop_times
    g = st.groupby("trip_id", sort=True)
    ends = pd.DataFrame({"start_s": g["dep_s"].first(), "end_s": g["arr_s"].last(),
                         "first_stop_id": g["stop_id"].first(), "last_stop_id": g["stop_id"].last()})  # fmt: skip
    ends = ends.reset_index().merge(network.schedule.trips[["trip_id", "service_id"]], on="trip_id")
    terminals = sorted(set(ends["first_stop_id"]) | set(ends["last_stop_id"]))
    where = [points[s] for s in terminals]
    deadhead = roads.matrix_s(
        where, where, speed_kmh=costs.deadhead_speed_kmh, detour_factor=costs.deadhead_detour_factor
    )
    sets = service_sets(network.service_dates, dates)
    by_set: dict[tuple[str, ...], tuple[int, float, int]] = {}
    for services in sorted(set(sets)):
        trips = ends[ends["service_id"].isin(set(services))]
        b = block_trips(
            trips,
            deadhead,
            terminals,
            min_layover_s=costs.min_layover_min * 60.0,
            sign_on_off_s=costs.sign_on_off_min * 60.0,
        )
        by_set[services] = (b.vehicles, b.driver_hours, len(trips))
    days = pd.DataFrame({"date": pd.to_datetime(dates).to_numpy(), "vehicles": [by_set[s][0] for s in sets],
                         "driver_hours": [by_set[s][1] for s in sets]})  # fmt: skip
    blocks = pd.DataFrame(
        [
            ("+".join(s), v[2], v[0], v[1], sum(1 for x in sets if x == s))
            for s, v in by_set.items()
        ],
        columns=["service_set", "trips", "vehicles", "driver_hours", "days"],
    )
    return days, blocks


def _coverage(scenario: RouteScenario, applied: Applied) -> dict[str, float]:
    if not scenario.population:
        return {}
    population = read_population(scenario.path(scenario.population))
    feed = applied.feed
    served = set(feed.stop_times["stop_id"].astype(str))
    stops = feed.stops[feed.stops["stop_id"].astype(str).isin(served)]
    stops = pd.DataFrame({"stop_lat": pd.to_numeric(stops["stop_lat"], errors="coerce"),
                          "stop_lon": pd.to_numeric(stops["stop_lon"], errors="coerce")}).dropna()  # fmt: skip
    zones = [z.polygon for z in applied.zones]
    return compute_coverage(population, stops, zones, blank_radius_m=scenario.costs.blank_radius_m)
