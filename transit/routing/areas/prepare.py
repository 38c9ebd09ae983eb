"""An area's files as a simulated day: read the area, generate (or replay) its requests, load its
road network and its bus departures, and run :func:`transit.routing.sim.simulator.simulate`."""

from __future__ import annotations

import networkx as nx

from transit.core.errors import InputError, Location, TransitError
from transit.routing.areas.bookings import HUB_KIND, generate_requests, read_request_log
from transit.routing.areas.config import (
    AreaConfig,
    depot_location,
    parse_hhmm,
    read_area_polygon,
    read_destinations,
    read_population,
)
from transit.routing.areas.hubs import hub_departures
from transit.routing.roads.network import add_travel_times, load_network
from transit.routing.sim.results import SimResult
from transit.routing.sim.setup import DaySetup
from transit.routing.sim.simulator import simulate


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


def prepare_area(
    cfg: AreaConfig,
    *,
    seed: int,
    graph: nx.MultiDiGraph | None = None,
    vehicles: int | None = None,
) -> DaySetup:
    """Read an area's data, generate (or replay) its requests and prepare the network.

    ``graph`` (a network with or without travel times) avoids reloading the network for every
    run of a sweep; ``vehicles`` overrides the fleet size of the file. The bus departures at the
    hubs are those of the area's ``date`` (see :mod:`transit.routing.areas.hubs`).
    """
    polygon = read_area_polygon(cfg)
    population = read_population(cfg, polygon)
    destinations = read_destinations(cfg, polygon)
    if graph is None:
        graph = area_network(cfg)
    graph = add_travel_times(graph, factor=cfg.service.speed_factor)
    shift = cfg.shift_s
    if cfg.demand.request_log:
        requests = read_request_log(cfg.path(cfg.demand.request_log))
    else:
        requests = generate_requests(
            population,
            destinations,
            demand=cfg.demand,
            shift_s=shift,
            seed=seed,
            last_pickup_min=cfg.shift.last_pickup_min,
        )
    hubs = destinations[destinations["kind"] == HUB_KIND]
    deps: dict[str, tuple[float, ...]] = {}
    if cfg.area.hub_departures:
        deps["*"] = tuple(sorted(parse_hhmm(t) for t in cfg.area.hub_departures))
    elif cfg.area.gtfs and not hubs.empty:
        try:
            deps = hub_departures(
                cfg.path(cfg.area.gtfs),
                hubs,
                date=cfg.area.service_date,
                toward=cfg.area.hub_toward,
            )
        except TransitError as exc:
            raise InputError(
                f"cannot read bus departures at the hubs from {cfg.area.gtfs} ({exc}); "
                "fix the feed or give area.hub_departures",
                Location(field="area.gtfs"),
            ) from exc
    return DaySetup(
        graph=graph,
        requests=requests,
        depot=depot_location(cfg, destinations, polygon),
        vehicles=cfg.fleet.vehicles if vehicles is None else vehicles,
        capacity=cfg.fleet.capacity,
        shift_s=shift,
        service=cfg.service,
        costs=cfg.costs,
        dispatch=cfg.dispatch,
        hub_departures=deps,
        area_id=cfg.area.id,
        name_ja=cfg.area.name_ja,
    )


def simulate_area(
    cfg: AreaConfig, *, seed: int, vehicles: int | None = None, graph: nx.MultiDiGraph | None = None
) -> SimResult:
    """:func:`prepare_area` then :func:`~transit.routing.sim.simulator.simulate` with the same
    seed."""
    return simulate(prepare_area(cfg, seed=seed, graph=graph, vehicles=vehicles), seed=seed)
