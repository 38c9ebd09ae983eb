"""The scenario file (TOML): a baseline feed plus an ordered list of edits, validated as a whole.

A file looks like this (every key is documented in ``docs/scenarios.md``)::

    name = "kitagawa_tail"
    title = "北川線 末端区間の短縮"
    baseline = "../gtfs"                    # a GTFS zip or folder, or a GTFS-JP source folder
    network = "../network/roads.graphml"    # optional: road times and shapes
    population = "../population/points.csv" # optional: coverage

    [search]                                # optional: SearchParams overrides
    depart_after_min = 45

    [[edits]]
    kind = "truncate"
    route = "kitagawa"
    at_stop = "S007_1"
    beyond = "S031_1"

:func:`load_scenario` reads the file into frozen dataclasses and reports every problem at once
(file, ``edits[N]`` with N counted from 1, field); :func:`check_edits` then checks the edits
against the baseline feed (routes and stops that exist, stops on the route, times).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from transit.core.assumptions import from_table
from transit.core.config import from_mapping, read_toml
from transit.core.errors import ConfigError, InputError, InputErrors, Location
from transit.core.paths import sample_dir
from transit.demand.scenarios.params import CostParams, SearchParams


@dataclass(frozen=True)
class Remove:
    """Remove a route's trips: all of them, or those matching every filter given —
    ``service_ids`` (day types), a time band ``start``–``end`` (``HH:MM``; the trip's first
    departure in ``[start, end)``), ``trips`` (trip ids)."""

    kind: Literal["remove"]
    route: str
    service_ids: tuple[str, ...] = ()
    start: str = ""
    end: str = ""
    trips: tuple[str, ...] = ()


@dataclass(frozen=True)
class Truncate:
    """Cut a route at ``at_stop``: the part of every trip beyond it (on the side of the stop
    ``beyond``, e.g. the old terminal) is dropped."""

    kind: Literal["truncate"]
    route: str
    at_stop: str
    beyond: str


@dataclass(frozen=True)
class Extend:
    """Extend a route beyond its terminal ``from_stop`` through the stops ``via`` (trips ending
    there continue; trips starting there start from the last ``via`` stop)."""

    kind: Literal["extend"]
    route: str
    from_stop: str
    via: tuple[str, ...]
    speed_kmh: float = from_table("scenarios.edits.speed_kmh")
    dwell_s: float = from_table("scenarios.edits.dwell_s")


@dataclass(frozen=True)
class Reroute:
    """Run a route from ``from_stop`` to ``to_stop`` through the stops ``via`` instead of its
    stops between them (both directions); later stops move by the change in running time."""

    kind: Literal["reroute"]
    route: str
    from_stop: str
    to_stop: str
    via: tuple[str, ...]
    speed_kmh: float = from_table("scenarios.edits.speed_kmh")
    dwell_s: float = from_table("scenarios.edits.dwell_s")


@dataclass(frozen=True)
class Merge:
    """Join two routes into one through-route at the shared stop ``at_stop``: a trip of one
    route ending there continues as the next trip of the other starting there within
    ``max_layover_min``; the route id is ``route_id`` (default: the first route)."""

    kind: Literal["merge"]
    routes: tuple[str, ...]
    at_stop: str
    route_id: str = ""
    name: str = ""
    name_kana: str = ""
    name_en: str = ""
    max_layover_min: float = from_table("scenarios.edits.max_layover_min")


@dataclass(frozen=True)
class Band:
    """One time band of a headway edit: ``start``–``end`` (``HH:MM``), a bus every
    ``headway_min`` minutes."""

    start: str
    end: str
    headway_min: float


@dataclass(frozen=True)
class Headway:
    """Set the headway of a route per time band (and day types ``service_ids``; default all):
    the trips starting in a band are replaced by trips every ``headway_min`` on the band's most
    common stop pattern, with the running times of the trip nearest in time."""

    kind: Literal["headway"]
    route: str
    bands: tuple[Band, ...]
    service_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OnDemand:
    """Replace every bus stop inside a polygon (GeoJSON ``area``, feature ``area_id``) by an
    on-demand service: ``vehicles`` cars of ``capacity`` seats between ``start`` and ``end``,
    ``fare_yen`` a ride, on the ``day_types`` (平日, 土曜, 日祝); riders change to the bus at
    ``hubs`` (default: where the cut trips now end). ``network`` is the road network (default:
    the scenario's, else the sample city's)."""

    kind: Literal["on_demand"]
    area: str
    area_id: str = ""
    vehicles: int = from_table("drt.fleet.vehicles")
    capacity: int = from_table("drt.fleet.capacity")
    start: str = from_table("drt.shift.start")
    end: str = from_table("drt.shift.end")
    fare_yen: float = from_table("drt.costs.fare_yen")
    cost_per_vehicle_hour_yen: float = from_table("drt.costs.cost_per_vehicle_hour_yen")
    max_wait_min: float = from_table("drt.service.max_wait_min")
    hubs: tuple[str, ...] = ()
    day_types: tuple[str, ...] = ("平日", "土曜", "日祝")
    network: str = ""
    seed: int = 1


@dataclass(frozen=True)
class NewRoute:
    """A route of a ``replace_routes`` edit: ``route_id``, its ``stops`` in order (stop ids;
    run both ways), ``name`` (route long name; default the id)."""

    route_id: str
    stops: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class ServiceBands:
    """The headway bands of one service (``service_id``) of a ``replace_routes`` edit."""

    service_id: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class ReplaceRoutes:
    """Remove every trip of ``routes`` and run ``new_routes`` instead: per service of
    ``services``, each band has a trip every ``headway_min`` from its start in both directions,
    with the baseline's median run time of each link (:mod:`.replace`)."""

    kind: Literal["replace_routes"]
    routes: tuple[str, ...]
    new_routes: tuple[NewRoute, ...]
    services: tuple[ServiceBands, ...]


@dataclass(frozen=True)
class Shift:
    """Move a route's trips ``minutes`` later (earlier when negative), every stop: all of them,
    or those of ``trips`` and of ``service_ids`` (:mod:`.shift`)."""

    kind: Literal["shift"]
    route: str
    minutes: float
    trips: tuple[str, ...] = ()
    service_ids: tuple[str, ...] = ()


Edit = Remove | Truncate | Extend | Reroute | Merge | Headway | OnDemand | ReplaceRoutes | Shift
EDIT_KINDS: dict[str, type[Any]] = {
    "remove": Remove,
    "truncate": Truncate,
    "extend": Extend,
    "reroute": Reroute,
    "merge": Merge,
    "headway": Headway,
    "on_demand": OnDemand,
    "replace_routes": ReplaceRoutes,
    "shift": Shift,
}


@dataclass(frozen=True)
class RouteScenario:
    """A scenario file, read. ``base_dir`` is the file's folder (paths are relative to it),
    ``file`` its name (for error locations)."""

    name: str
    baseline: str
    edits: tuple[Edit, ...] = ()
    title: str = ""
    network: str = ""
    population: str = ""
    search: SearchParams = field(default_factory=SearchParams)
    costs: CostParams = field(default_factory=CostParams)
    base_dir: str = ""
    file: str = ""

    def path(self, relative: str) -> Path:
        """A path of the file, resolved against :attr:`base_dir`."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p

    def where(self, number: int, key: str = "") -> Location:
        """The location of edit ``number`` (from 1) and one of its keys."""
        return Location(file=self.file, field=f"edits[{number}]" + (f".{key}" if key else ""))


@dataclass(frozen=True)
class _File:
    name: str = ""
    title: str = ""
    baseline: str = ""
    network: str = ""
    population: str = ""
    search: SearchParams = field(default_factory=SearchParams)
    costs: CostParams = field(default_factory=CostParams)
    edits: list[dict[str, Any]] = field(default_factory=list)


def load_scenario(path: Path, *, baseline: str | Path | None = None) -> RouteScenario:
    """Read and check a scenario file; ``baseline`` replaces the file's baseline feed.

    Raises
    ------
    InputErrors
        Every problem found (unknown or missing keys, wrong types, unknown edit kinds), each
        located by file and key (``edits[2].route``).
    """
    data = read_toml(path)
    head = from_mapping(_File, data, source=path.name)
    errors: list[InputError] = []
    edits: list[Edit] = []
    for number, raw in enumerate(head.edits, start=1):
        try:
            edits.append(_edit(raw, number, path.name))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    chosen = str(baseline) if baseline is not None else head.baseline
    if not chosen:
        errors.append(
            ConfigError(
                "missing required key (or pass a baseline)",
                Location(file=path.name, field="baseline"),
            )
        )
    if errors:
        raise InputErrors(errors)
    return RouteScenario(
        name=head.name or path.stem,
        title=head.title,
        baseline=chosen,
        edits=tuple(edits),
        network=head.network,
        population=head.population,
        search=head.search,
        costs=head.costs,
        base_dir=str(path.resolve().parent),
        file=path.name,
    )


def _edit(raw: Any, number: int, source: str) -> Edit:
    prefix = f"edits[{number}]"
    if not isinstance(raw, dict):
        raise ConfigError("expected a table [[edits]]", Location(file=source, field=prefix))
    kind = raw.get("kind")
    if kind not in EDIT_KINDS:
        allowed = ", ".join(EDIT_KINDS)
        raise ConfigError(
            f"unknown edit kind {kind!r} (allowed: {allowed})",
            Location(file=source, field=f"{prefix}.kind"),
        )
    edit: Edit = from_mapping(EDIT_KINDS[kind], raw, source=source, prefix=prefix)
    return edit


def no_edits(scenario: RouteScenario) -> RouteScenario:
    """The same scenario with no edits (the baseline it is compared with)."""
    return dataclasses.replace(scenario, edits=())


def scenario_sources(scenario: RouteScenario) -> list[tuple[str, Path]]:
    """(role, path) of every file a scenario reads: the file, its baseline feed, the
    population, each on-demand zone's area and road network (the sample city's when none)."""
    out = [
        ("scenario", scenario.path(scenario.file)),
        ("baseline", scenario.path(scenario.baseline)),
    ]
    if scenario.population:
        out.append(("population", scenario.path(scenario.population)))
    on_demand = [e for e in scenario.edits if isinstance(e, OnDemand)]
    for edit in on_demand:
        out.append(("zone", scenario.path(edit.area)))
    networks = {e.network or scenario.network for e in on_demand}
    for net in sorted(networks):
        if net in ("", "sample"):
            out.append(("network", sample_dir() / "network" / "roads.graphml"))
        else:
            out.append(("network", scenario.path(net)))
    return out
