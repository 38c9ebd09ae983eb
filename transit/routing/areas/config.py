"""On-demand service area studies: the ``AREA.toml`` / ``AREAS.toml`` configuration.

An ``AREA.toml`` describes one candidate area: where its polygon, road network, population points,
destinations and bus timetable come from, and the service design (fleet, shift, fares, cost,
service limits) and demand assumptions. Every parameter that is not a fact has a documented
default calibrated to Kitaura's 2-car service (see ``docs/drt-simulation.md``). Paths are relative
to the TOML file. ``AREAS.toml`` lists several ``AREA.toml`` files for a sweep.

Example (``data/sample/drt/kitaura.toml``)::

    [area]
    id = "kitaura"
    name_ja = "北浦"
    name_en = "Kitaura"
    polygon = "../areas/candidate_areas.geojson"
    network = "sample"
    population = "../population/points.csv"
    destinations = "../places.csv"
    gtfs = "../gtfs"

    [fleet]
    vehicles = 2

The ``[service]``, ``[costs]`` and ``[dispatch]`` sections are the simulator's parameter
dataclasses (:mod:`transit.routing.sim.setup`). Every numeric key has a range (declared with
:func:`transit.core.config.bounded`, documented in ``docs/drt-simulation.md``); :func:`load_area`
reports every value outside its range and every missing file at once, then (with the values in
range) every inconsistency between keys (a shift that ends before it starts, a last pickup
outside the shift, …), each with the file and the key. The area's data (polygon, population, destinations) is read and checked by
:mod:`transit.routing.areas.read`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from transit.core.assumptions import default, from_table
from transit.core.config import (
    OutOfRange,
    bounded,
    check_ranges,
    format_number,
    from_mapping,
    read_toml,
    share,
)
from transit.core.errors import ConfigError, InputError, InputErrors, Location
from transit.core.gtfstime import format_hhmm, parse_clock
from transit.routing.sim.setup import DAY_MIN, Costs, Dispatch, Service

T = TypeVar("T")
R = TypeVar("R")

#: Limits of an area file (``docs/limits.md``): vehicles and seats of a fleet, requests of a
#: day (a fixed number, or the expected number of the rate), the destination buffer and the
#: distance from the road network (m).
MAX_VEHICLES = 100
MAX_CAPACITY = 100
MAX_REQUESTS = 10_000
MAX_DISTANCE_M = 50_000.0
#: Longest shift: one day.
MAX_SHIFT_S = DAY_MIN * 60.0


@dataclass(frozen=True)
class AreaSource:
    """Where the data of an area comes from (paths relative to the TOML file).

    ``polygon``: a GeoJSON file; the feature whose ``area_id`` property equals ``id`` is the
    service area (or the only feature). ``network``: ``"sample"`` (the sample city's synthetic
    roads), a ``.osm``/``.osm.bz2``/``.graphml`` file, or ``"place:NAME"`` (download; online only).
    ``population``: CSV with ``lon, lat, population`` (optional ``elderly``, ``point_id``).
    ``destinations``: CSV with ``place_id, name_ja, kind, lon, lat``. ``gtfs``: a GTFS feed (zip
    or folder, or a GTFS-JP source folder) for bus departures at hubs, or ``""`` for none.
    ``hub_stops``: stop ids of that feed where riders change to the bus; each becomes a
    destination of kind ``bus_hub``. ``hub_toward``: stop ids (e.g. the city terminal); only
    buses that reach one of them after the hub count as connections. ``hub_departures``:
    departure times (``"HH:MM"``) used instead of the feed when given. ``date``: the simulated
    service day (``"YYYY-MM-DD"``) whose buses run at the hubs (``calendar.txt`` and
    ``calendar_dates.txt``); ``""`` = the first Monday of the feed's period that is not a
    national holiday. ``destination_buffer_m`` (in [0, 50,000]): destinations up to this far
    outside the polygon count. ``max_road_distance_m`` (in (0, 50,000]): population points,
    destinations, the depot and logged requests farther than this from the nearest road node
    are an error (the network does not cover the area).
    """

    id: str
    name_ja: str
    polygon: str
    population: str
    destinations: str
    name_en: str = ""
    network: str = "sample"
    gtfs: str = ""
    hub_stops: list[str] = field(default_factory=list)
    hub_toward: list[str] = field(default_factory=list)
    hub_departures: list[str] = field(default_factory=list)
    destination_buffer_m: float = bounded(
        default_factory=default("drt.area.destination_buffer_m"), ge=0, le=MAX_DISTANCE_M
    )
    max_road_distance_m: float = bounded(
        default_factory=default("drt.area.max_road_distance_m"), gt=0, le=MAX_DISTANCE_M
    )
    date: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_ranges(self, prefix="area")

    @property
    def service_date(self) -> dt.date | None:
        """:attr:`date` as a date (``None`` when not given); raises :class:`ConfigError` when it
        is not ``YYYY-MM-DD``."""
        if not self.date.strip():
            return None
        try:
            return dt.date.fromisoformat(self.date.strip())
        except ValueError:
            raise ConfigError(
                f"not a date YYYY-MM-DD: {self.date!r}", Location(field="area.date")
            ) from None


@dataclass(frozen=True)
class Fleet:
    """Vehicles: how many (in [1, 100]), seats each (in [1, 100]), and the depot (a ``place_id``
    of the area's destinations, a destination ``kind`` whose first place is used, or
    ``"lon,lat"``; anything else is an error)."""

    vehicles: int = bounded(default_factory=default("drt.fleet.vehicles"), ge=1, le=MAX_VEHICLES)
    capacity: int = bounded(default_factory=default("drt.fleet.capacity"), ge=1, le=MAX_CAPACITY)
    depot: str = from_table("drt.fleet.depot")

    def __post_init__(self) -> None:
        check_ranges(self, prefix="fleet")


@dataclass(frozen=True)
class Shift:
    """Service hours (``"HH:MM"``, from 00:00, at most 24 hours long): vehicles work between
    them and are back at the depot by ``end``; no pickup is wanted later than
    ``last_pickup_min`` minutes before ``end`` (last booking time, 最終乗車; at least 0 and
    below the shift's length)."""

    start: str = from_table("drt.shift.start")
    end: str = from_table("drt.shift.end")
    last_pickup_min: float = bounded(
        default_factory=default("drt.shift.last_pickup_min"), ge=0, le=DAY_MIN
    )

    def __post_init__(self) -> None:
        check_ranges(self, prefix="shift")


@dataclass(frozen=True)
class Demand:
    """Demand assumptions (not facts; calibrated to Kitaura, see ``docs/drt-simulation.md``).

    ``trips_per_1000_residents`` (in [0, 1000]): outbound requests per weekday per 1,000
    residents (elderly count ``1 + elderly_weight`` times; ``elderly_weight`` in [0, 10]).
    ``return_share``: outbound trips followed by a return trip home after
    ``dwell_min_min``–``dwell_max_min`` minutes. ``advance_share``: requests booked the day
    before (the rest are booked ``lead_min_min``–``lead_max_min`` minutes ahead).
    ``group_share``: requests for two passengers. Shares are in [0, 1], minutes in [0, 1440]
    (each maximum at least its minimum). ``requests`` (in [0, 10,000]): a fixed number of
    requests (outbound and return) instead of the rate (for benchmarks); 0 = use the rate.
    ``destination_shares`` and ``outbound_profile`` (clock hour 0–30 → weight): weights in
    [0, 1], at least one positive (the profile: inside the shift). ``request_log``: a CSV to
    replay instead of generating (see :func:`transit.routing.areas.bookings.read_request_log`).
    """

    trips_per_1000_residents: float = bounded(
        default_factory=default("drt.demand.trips_per_1000_residents"), ge=0, le=1000
    )
    elderly_weight: float = bounded(
        default_factory=default("drt.demand.elderly_weight"), ge=0, le=10
    )
    return_share: float = share(default_factory=default("drt.demand.return_share"))
    dwell_min_min: float = bounded(
        default_factory=default("drt.demand.dwell_min_min"), ge=0, le=DAY_MIN
    )
    dwell_max_min: float = bounded(
        default_factory=default("drt.demand.dwell_max_min"), ge=0, le=DAY_MIN
    )
    advance_share: float = share(default_factory=default("drt.demand.advance_share"))
    lead_min_min: float = bounded(
        default_factory=default("drt.demand.lead_min_min"), ge=0, le=DAY_MIN
    )
    lead_max_min: float = bounded(
        default_factory=default("drt.demand.lead_max_min"), ge=0, le=DAY_MIN
    )
    group_share: float = share(default_factory=default("drt.demand.group_share"))
    requests: int = bounded(0, ge=0, le=MAX_REQUESTS)
    destination_shares: dict[str, float] = bounded(  # noqa: RUF009 (a dataclasses.field)
        default_factory=default("drt.demand.destination_shares"), ge=0, le=1, between=True
    )
    outbound_profile: dict[str, float] = bounded(  # noqa: RUF009 (a dataclasses.field)
        default_factory=default("drt.demand.outbound_profile"), ge=0, le=1, between=True
    )
    request_log: str = ""

    def __post_init__(self) -> None:
        check_ranges(self, prefix="demand")


@dataclass(frozen=True)
class AreaConfig:
    """One ``AREA.toml``: ``[area]``, ``[fleet]``, ``[shift]``, ``[service]``, ``[costs]``,
    ``[demand]``, ``[dispatch]``. ``base_dir`` and ``file`` (not in the file) are the folder
    paths are relative to and the file's name (for messages)."""

    area: AreaSource
    fleet: Fleet = field(default_factory=Fleet)
    shift: Shift = field(default_factory=Shift)
    service: Service = field(default_factory=Service)
    costs: Costs = field(default_factory=Costs)
    demand: Demand = field(default_factory=Demand)
    dispatch: Dispatch = field(default_factory=Dispatch)
    base_dir: str = ""
    file: str = ""

    def path(self, relative: str) -> Path:
        """A path from the file, resolved against :attr:`base_dir`."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p

    def at(self, key: str) -> Location:
        """The location of ``key`` (e.g. ``"fleet.depot"``) in this area's file."""
        return Location(file=self.file or None, field=key)

    @property
    def shift_s(self) -> tuple[float, float]:
        """Shift start and end in seconds after midnight."""
        return parse_hhmm(self.shift.start), parse_hhmm(self.shift.end)

    def with_vehicles(self, vehicles: int) -> AreaConfig:
        """A copy with another fleet size."""
        return self.with_changes(fleet={"vehicles": vehicles})

    def with_changes(self, **sections: Any) -> AreaConfig:
        """A copy with fields of sections replaced, e.g. ``with_changes(demand={"requests": 30})``;
        the copy is checked as :func:`load_area` checks a file (raises :class:`InputErrors`)."""
        out = self
        for name, changes in sections.items():
            try:
                section = dataclasses.replace(getattr(out, name), **changes)
            except InputErrors as exc:  # a value outside its range: located in this file
                raise InputErrors(
                    [OutOfRange(e.message, self.at(_field_of(e, name))) for e in exc.errors]
                ) from None
            out = dataclasses.replace(out, **{name: section})
        check_area(out)
        return out


@dataclass(frozen=True)
class AreasConfig:
    """``AREAS.toml``: ``areas`` = list of ``AREA.toml`` paths (relative to the file) and the
    ``reference`` area id used for calibration (Kitaura; ``""`` = none, else one of the areas)."""

    areas: list[str]
    reference: str = ""
    title: str = ""


@dataclass(frozen=True)
class AreaStudy:
    """What :func:`load_areas` read: the ``AREAS.toml`` settings and every area it lists."""

    settings: AreasConfig
    areas: list[AreaConfig]


def _field_of(error: InputError, default: str) -> str:
    return error.location.field or default if error.location else default


def parse_hhmm(text: str) -> float:
    """``"08:30"`` → 30600.0 seconds after midnight (hours may exceed 23), through
    :func:`transit.core.gtfstime.parse_clock`; raises :class:`InputError` otherwise."""
    try:
        return float(parse_clock(text))
    except ValueError as exc:
        raise InputError(f"not a time HH:MM: {text!r}") from exc


def load_area(path: Path) -> AreaConfig:
    """Read and validate an ``AREA.toml``, raising one :class:`InputErrors`: unknown or missing
    keys and wrong types first; when they are right, every value outside its range and every
    missing file at once; with every value in range, every problem :func:`check_area` finds
    (keys that contradict each other) and every missing file."""
    path = Path(path)
    data = read_toml(path)
    base = path.parent.resolve()
    files = _file_problems(data, base)
    try:
        cfg = from_mapping(
            AreaConfig, {**data, "base_dir": str(base), "file": path.name}, source=path.name
        )
    except InputErrors as exc:
        if not all(isinstance(e, OutOfRange) for e in exc.errors):
            raise  # wrong keys or types: those first
        located = [ConfigError(msg, Location.of(path, field=key)) for key, msg in files]
        raise InputErrors([*exc.errors, *located]) from None
    check_area(cfg)
    return cfg


def load_areas(path: Path) -> AreaStudy:
    """Read ``AREAS.toml`` and every ``AREA.toml`` it lists (in order); returns both. The
    problems of every listed file are reported together."""
    path = Path(path)
    cfg = from_mapping(AreasConfig, read_toml(path), source=path.name)
    if not cfg.areas:
        raise ConfigError("areas is empty", Location.of(path, field="areas"))
    out = each_checked(cfg.areas, lambda p: load_area(path.parent / p))
    ids = [a.area.id for a in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(
            f"duplicate area ids: {', '.join(dupes)}", Location.of(path, field="areas")
        )
    if cfg.reference and cfg.reference not in ids:
        raise ConfigError(
            f"no area has the id {cfg.reference!r} (the areas: {', '.join(ids)})",
            Location.of(path, field="reference"),
        )
    return AreaStudy(cfg, out)


def each_checked(items: Iterable[T], read: Callable[[T], R]) -> list[R]:
    """``read`` of every item, in order; the input problems of all items are raised together
    (one :class:`InputErrors`) after every item was tried."""
    out: list[R] = []
    errors: list[InputError] = []
    for item in items:
        try:
            out.append(read(item))
        except InputErrors as exc:
            errors += exc.errors
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return out


def check_area(cfg: AreaConfig) -> None:
    """Raise one :class:`InputErrors` naming every problem of an area's settings that the ranges
    of single keys cannot see (``cfg.file`` names the file): the shift, the last pickup, the
    solver time of a day, minimum/maximum pairs, shares and the hourly profile, bus departure
    times, the date, the files named."""
    problems = [
        *shift_problems(cfg),
        *_pair_problems(cfg),
        *_hub_times(cfg),
        *_file_problems(_as_tables(cfg), Path(cfg.base_dir)),
    ]
    if problems:
        raise InputErrors([ConfigError(msg, cfg.at(key)) for key, msg in problems])


def shift_problems(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each problem of the shift: bad clock times, an end not after the start,
    a shift longer than a day, a last pickup outside it, a profile with no hour in it, and more
    re-optimizations than the solver time limit of a day allows."""
    times: dict[str, float] = {}
    out: list[tuple[str, str]] = []
    for key in ("start", "end"):
        try:
            times[key] = parse_hhmm(getattr(cfg.shift, key))
        except InputError as exc:
            out.append((f"shift.{key}", exc.message))
    if out:
        return out
    start, end = times["start"], times["end"]
    if start < 0:
        return [("shift.start", f"must be 00:00 or later, got {cfg.shift.start!r}")]
    if end <= start:
        return [("shift.end", f"end {cfg.shift.end} is not after start {cfg.shift.start}")]
    if end - start > MAX_SHIFT_S:
        length = f"{cfg.shift.start}–{cfg.shift.end}"
        return [("shift.end", f"the shift {length} is longer than 24 hours")]
    length_min = (end - start) / 60.0
    if cfg.shift.last_pickup_min >= length_min:
        out.append(
            (
                "shift.last_pickup_min",
                f"must be below the shift's length ({format_number(length_min)} min), "
                f"got {format_number(cfg.shift.last_pickup_min)}",
            )
        )
    elif not cfg.demand.request_log and not profile_hours(
        cfg.demand.outbound_profile, start, end - cfg.shift.last_pickup_min * 60.0
    ):
        latest = format_hhmm(end - cfg.shift.last_pickup_min * 60.0)
        out.append(
            (
                "demand.outbound_profile",
                f"no hour with a positive share between {cfg.shift.start} and {latest} "
                "(the shift, up to the last pickup)",
            )
        )
    budget = cfg.dispatch.solver_budget_problem((start, end))
    if budget is not None:
        out.append(("dispatch.reopt_interval_min", budget))
    return out


def profile_hours(profile: Mapping[str, float], start: float, end: float) -> list[int]:
    """The clock hours of ``profile`` with a positive weight that overlap ``start``–``end``
    (seconds after midnight), in order."""
    return sorted(
        int(h)
        for h, w in profile.items()
        if h.isdigit() and w > 0 and start < (int(h) + 1) * 3600 and int(h) * 3600 < end
    )


def _pair_problems(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each minimum above its maximum, shares without a positive one, and
    profile keys that are not clock hours."""
    out: list[tuple[str, str]] = []
    d = cfg.demand
    if d.dwell_max_min < d.dwell_min_min:
        out.append(("demand.dwell_max_min", "must not be below dwell_min_min"))
    if d.lead_max_min < d.lead_min_min:
        out.append(("demand.lead_max_min", "must not be below lead_min_min"))
    if not any(v > 0 for v in d.destination_shares.values()):
        out.append(("demand.destination_shares", "at least one share must be above 0"))
    for hour in d.outbound_profile:
        if not hour.isdigit() or str(int(hour)) != hour or not 0 <= int(hour) <= 30:
            out.append(("demand.outbound_profile", f"keys are clock hours 0-30, got {hour!r}"))
    return out


def _hub_times(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each bad bus departure time and a bad service date."""
    out: list[tuple[str, str]] = []
    for t in cfg.area.hub_departures:
        try:
            parse_hhmm(t)
        except InputError:
            out.append(("area.hub_departures", f"not a time HH:MM: {t!r}"))
    try:
        _ = cfg.area.service_date
    except ConfigError as exc:
        out.append(("area.date", exc.message))
    return out


def _as_tables(cfg: AreaConfig) -> dict[str, Any]:
    """The ``[area]`` and ``[demand]`` tables of a built configuration (for :func:`_file_problems`)."""
    return {"area": dataclasses.asdict(cfg.area), "demand": dataclasses.asdict(cfg.demand)}


#: Keys whose ``""`` means "none": the whole population's hull, no request log.
_MAY_BE_EMPTY = frozenset({"area.polygon", "demand.request_log"})


def _file_problems(data: Mapping[str, Any], base: Path) -> list[tuple[str, str]]:
    """(key, message) of each file named in the ``[area]`` and ``[demand]`` tables of ``data``
    (paths relative to ``base``) that does not exist; values that are not text are left to the
    type checks."""
    area = data.get("area")
    demand = data.get("demand")
    named: list[tuple[str, Any]] = []
    if isinstance(area, Mapping):
        named += [(f"area.{k}", area.get(k)) for k in ("polygon", "population", "destinations")]
    if isinstance(demand, Mapping):
        named.append(("demand.request_log", demand.get("request_log")))
    out: list[tuple[str, str]] = []
    for key, value in named:
        if not isinstance(value, str) or (not value and key in _MAY_BE_EMPTY):
            continue
        p = Path(value) if Path(value).is_absolute() else base / value
        if not p.is_file():
            out.append((key, f"file not found: {p}"))
    return out
