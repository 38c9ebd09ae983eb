"""An area's files as a simulated day: read the area, generate (or replay) its requests, load its
road network and its bus departures, and run :func:`transit.routing.sim.simulator.simulate`.

:func:`read_area` reads and checks everything a day of the area needs that does not depend on
the seed, and reports every problem at once: a depot that names no place, points the road network
does not cover (farther than ``[area] max_road_distance_m`` from the nearest road node), a demand
rate that would give more requests than :data:`~transit.routing.areas.config.MAX_REQUESTS`, shares
on kinds the area has no destination of.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from transit.core.config import format_number
from transit.core.errors import ConfigError, InputError, InputErrors, TransitError
from transit.routing.areas.bookings import (
    HUB_KIND,
    check_seed,
    generate_requests,
    kind_shares,
    read_request_log,
)
from transit.routing.areas.config import MAX_REQUESTS, MAX_VEHICLES, AreaConfig, parse_hhmm
from transit.routing.areas.hubs import hub_departures
from transit.routing.areas.read import (
    depot_location,
    read_area_polygon,
    read_destinations,
    read_population,
)
from transit.routing.roads.network import add_travel_times, far_from_network, load_network
from transit.routing.sim.results import SimResult
from transit.routing.sim.setup import DaySetup
from transit.routing.sim.simulator import simulate

#: The question a refused point asks.
_WRONG_NETWORK = "is the network the right one for this area?"


@dataclass(frozen=True, eq=False)
class AreaData:
    """An area's data, read and checked: the ``polygon`` (WGS84), the ``population`` points and
    ``destinations`` inside it (columns of :func:`~transit.routing.areas.read.read_population`
    and :func:`~transit.routing.areas.read.read_destinations`), the ``depot`` (lon, lat), and the
    replayed ``request_log`` (a request table; ``None`` when requests are generated)."""

    polygon: BaseGeometry
    population: pd.DataFrame
    destinations: pd.DataFrame
    depot: tuple[float, float]
    request_log: pd.DataFrame | None


def network_source(cfg: AreaConfig) -> str:
    """The area's ``network`` as :func:`~transit.routing.roads.network.load_network` takes it:
    ``"sample"``/``""``, ``"place:NAME"``, or the file path resolved against the area file."""
    src = cfg.area.network.strip()
    if src in ("", "sample") or src.startswith("place:"):
        return src
    return str(cfg.path(src))


def area_network(cfg: AreaConfig) -> nx.MultiDiGraph:
    """The area's road network (without travel times)."""
    return load_network(network_source(cfg) or None)


def read_area(cfg: AreaConfig, graph: nx.MultiDiGraph) -> AreaData:
    """Read the area's polygon, population, destinations, depot and request log, and check them
    against the road network ``graph``; every problem found is raised at once (one
    :class:`InputErrors`, each located at the area file's key)."""
    polygon = read_area_polygon(cfg)
    population = read_population(cfg, polygon)
    destinations = read_destinations(cfg, polygon)
    problems: list[InputError] = []
    depot: tuple[float, float] | None = None
    try:
        depot = depot_location(cfg, destinations)
    except ConfigError as exc:
        problems.append(exc)
    log = read_request_log(cfg.path(cfg.demand.request_log)) if cfg.demand.request_log else None
    found = [*_demand_problems(cfg, population, destinations, log)]
    found += _reach_problems(cfg, graph, population, destinations, depot, log)
    problems += [ConfigError(msg, cfg.at(key)) for key, msg in found]
    if problems:
        raise InputErrors(problems)
    assert depot is not None
    return AreaData(polygon, population, destinations, depot, log)


def _demand_problems(
    cfg: AreaConfig,
    population: pd.DataFrame,
    destinations: pd.DataFrame,
    log: pd.DataFrame | None,
) -> list[tuple[str, str]]:
    """(key, message) of a demand the area's data cannot carry: more expected requests than the
    limit, or shares only on kinds the area has no destination of (generated requests only)."""
    if log is not None:
        return []
    out: list[tuple[str, str]] = []
    d = cfg.demand
    if d.requests == 0:
        weights = population["population"] + d.elderly_weight * population["elderly"]
        expected = d.trips_per_1000_residents / 1000.0 * float(weights.sum())
        if expected > MAX_REQUESTS:
            out.append(
                (
                    "demand.trips_per_1000_residents",
                    f"{format_number(d.trips_per_1000_residents)} trips per 1,000 residents "
                    f"give about {expected:,.0f} outbound requests a day in this area, above "
                    f"the limit of {MAX_REQUESTS:,}",
                )
            )
    try:
        kind_shares(d.destination_shares, destinations)
    except InputError as exc:
        out.append(("demand.destination_shares", exc.message))
    return out


def _reach_problems(
    cfg: AreaConfig,
    graph: nx.MultiDiGraph,
    population: pd.DataFrame,
    destinations: pd.DataFrame,
    depot: tuple[float, float] | None,
    log: pd.DataFrame | None,
) -> list[tuple[str, str]]:
    """(key, message) for each kind of point farther than ``max_road_distance_m`` from the
    nearest node of ``graph``: population points, destinations, the depot, logged requests."""
    limit = cfg.area.max_road_distance_m
    groups: list[tuple[str, str, np.ndarray, np.ndarray]] = [
        ("area.population", "population points", *_lonlat(population)),
        ("area.destinations", "destinations", *_lonlat(destinations)),
    ]
    if log is not None:
        lon = np.concatenate([log["origin_lon"].to_numpy(), log["dest_lon"].to_numpy()])
        lat = np.concatenate([log["origin_lat"].to_numpy(), log["dest_lat"].to_numpy()])
        groups.append(("demand.request_log", "request points (origins and destinations)", lon, lat))
    out: list[tuple[str, str]] = []
    for key, what, lon, lat in groups:
        n_far, farthest = far_from_network(graph, lon, lat, max_m=limit)
        if n_far:
            verb = "is" if n_far == 1 else "are"
            out.append(
                (
                    key,
                    f"{n_far:,} of {len(lon):,} {what} {verb} more than {_km(limit)} from the "
                    f"road network (the farthest {_km(farthest)}): {_WRONG_NETWORK}",
                )
            )
    if depot is not None:
        n_far, farthest = far_from_network(graph, [depot[0]], [depot[1]], max_m=limit)
        if n_far:
            out.append(
                (
                    "fleet.depot",
                    f"the depot is {_km(farthest)} from the road network (more than "
                    f"{_km(limit)}): {_WRONG_NETWORK}",
                )
            )
    return out


def _lonlat(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return points["lon"].to_numpy(dtype=float), points["lat"].to_numpy(dtype=float)


def _km(metres: float) -> str:
    """A distance for a message: ``2.0 km``, ``703.4 km``, ``50 m``."""
    return f"{metres / 1000.0:,.1f} km" if metres >= 100 else f"{metres:.0f} m"


def prepare_area(
    cfg: AreaConfig,
    *,
    seed: int,
    graph: nx.MultiDiGraph | None = None,
    vehicles: int | None = None,
) -> DaySetup:
    """Read an area's data (:func:`read_area`), generate (or replay) its requests and prepare the
    network.

    ``seed`` (at least 0) seeds the requests; ``graph`` (a network with or without travel times)
    avoids reloading the network for every run of a sweep; ``vehicles`` (1 to
    :data:`~transit.routing.areas.config.MAX_VEHICLES`) overrides the fleet size of the file.
    The bus departures at the hubs are those of the area's ``date`` (see
    :mod:`transit.routing.areas.hubs`).
    """
    check_seed(seed)
    if vehicles is not None and not 1 <= vehicles <= MAX_VEHICLES:
        raise InputError(f"vehicles must be between 1 and {MAX_VEHICLES}, got {vehicles}")
    if graph is None:
        graph = area_network(cfg)
    data = read_area(cfg, graph)
    graph = add_travel_times(graph, factor=cfg.service.speed_factor)
    shift = cfg.shift_s
    if data.request_log is not None:
        requests = data.request_log
    else:
        requests = generate_requests(
            data.population,
            data.destinations,
            demand=cfg.demand,
            shift_s=shift,
            seed=seed,
            last_pickup_min=cfg.shift.last_pickup_min,
        )
    return DaySetup(
        graph=graph,
        requests=requests,
        depot=data.depot,
        vehicles=cfg.fleet.vehicles if vehicles is None else vehicles,
        capacity=cfg.fleet.capacity,
        shift_s=shift,
        service=cfg.service,
        costs=cfg.costs,
        dispatch=cfg.dispatch,
        hub_departures=area_hub_departures(cfg, data.destinations),
        area_id=cfg.area.id,
        name_ja=cfg.area.name_ja,
    )


def area_hub_departures(
    cfg: AreaConfig, destinations: pd.DataFrame
) -> dict[str, tuple[float, ...]]:
    """Bus departures (seconds) at the area's hubs: ``"*"`` → the file's ``hub_departures``
    when given, else each hub's departures on the area's ``date`` from its ``gtfs`` feed."""
    hubs = destinations[destinations["kind"] == HUB_KIND]
    if cfg.area.hub_departures:
        return {"*": tuple(sorted(parse_hhmm(t) for t in cfg.area.hub_departures))}
    if not cfg.area.gtfs or hubs.empty:
        return {}
    try:
        return hub_departures(
            cfg.path(cfg.area.gtfs),
            hubs,
            date=cfg.area.service_date,
            toward=cfg.area.hub_toward,
        )
    except TransitError as exc:
        raise InputError(
            f"cannot read bus departures at the hubs from {cfg.area.gtfs} ({exc}); "
            "fix the feed or give area.hub_departures",
            cfg.at("area.gtfs"),
        ) from exc


def simulate_area(
    cfg: AreaConfig, *, seed: int, vehicles: int | None = None, graph: nx.MultiDiGraph | None = None
) -> SimResult:
    """:func:`prepare_area` then :func:`~transit.routing.sim.simulator.simulate` with the same
    seed."""
    return simulate(prepare_area(cfg, seed=seed, graph=graph, vehicles=vehicles), seed=seed)
