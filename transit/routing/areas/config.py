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
dataclasses (:mod:`transit.routing.sim.setup`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from transit.core.config import from_mapping, read_toml
from transit.core.errors import ConfigError, DataNotFoundError, InputError, InputErrors, Location
from transit.core.gtfstime import parse_clock
from transit.gtfs.feedio import read_feed
from transit.routing.sim.setup import Costs, Dispatch, Service, iter_rows

#: Destination kinds of ``places.csv`` and their default shares of outbound trips.
#: Calibration: Japanese rural on-demand surveys report hospital/clinic visits and shopping as the
#: main purposes (together about 3/4 of rides); the rest is errands at the branch office, and
#: connections to the bus or train network.
DEFAULT_DESTINATION_SHARES: dict[str, float] = {
    "hospital": 0.20,
    "clinic": 0.20,
    "supermarket": 0.30,
    "branch_office": 0.10,
    "city_hall": 0.0,
    "bus_hub": 0.15,
    "station": 0.05,
    "school": 0.0,
}

#: Share of outbound trips (home → destination) per clock hour (hour → weight; normalized).
#: Morning-heavy, as hospital and shopping trips of elderly riders are.
DEFAULT_OUTBOUND_PROFILE: dict[str, float] = {
    "8": 0.16,
    "9": 0.22,
    "10": 0.20,
    "11": 0.14,
    "12": 0.06,
    "13": 0.10,
    "14": 0.08,
    "15": 0.04,
}


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
    national holiday.
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
    destination_buffer_m: float = 500.0
    date: str = ""
    note: str = ""

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
    """Vehicles: how many, seats each, and the depot (a ``place_id`` of the destinations file, a
    destination ``kind`` whose first place is used, or ``"lon,lat"``)."""

    vehicles: int = 2
    capacity: int = 4
    depot: str = "branch_office"


@dataclass(frozen=True)
class Shift:
    """Service hours (``"HH:MM"``): vehicles work between them and are back at the depot by
    ``end``; no pickup is wanted later than ``last_pickup_min`` minutes before ``end`` (last
    booking time, 最終乗車)."""

    start: str = "08:00"
    end: str = "17:00"
    last_pickup_min: float = 45.0


@dataclass(frozen=True)
class Demand:
    """Demand assumptions (not facts; calibrated to Kitaura, see ``docs/drt-simulation.md``).

    ``trips_per_1000_residents``: outbound requests per weekday per 1,000 residents (elderly count
    ``1 + elderly_weight`` times). ``return_share``: outbound trips followed by a return trip home
    after ``dwell_min_min``–``dwell_max_min`` minutes. ``advance_share``: requests booked the day
    before (the rest are booked ``lead_min_min``–``lead_max_min`` minutes ahead).
    ``group_share``: requests for two passengers. ``requests``: a fixed number of requests
    (outbound and return) instead of the rate (for benchmarks); 0 = use the rate. ``request_log``: a CSV to
    replay instead of generating (see :func:`transit.routing.areas.bookings.read_request_log`).
    """

    trips_per_1000_residents: float = 6.0
    elderly_weight: float = 1.0
    return_share: float = 0.8
    dwell_min_min: float = 60.0
    dwell_max_min: float = 180.0
    advance_share: float = 0.6
    lead_min_min: float = 0.0
    lead_max_min: float = 30.0
    group_share: float = 0.1
    requests: int = 0
    destination_shares: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_DESTINATION_SHARES)
    )
    outbound_profile: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_OUTBOUND_PROFILE)
    )
    request_log: str = ""


@dataclass(frozen=True)
class AreaConfig:
    """One ``AREA.toml``: ``[area]``, ``[fleet]``, ``[shift]``, ``[service]``, ``[costs]``,
    ``[demand]``, ``[dispatch]``. ``base_dir`` (not in the file) is the folder paths are
    relative to."""

    area: AreaSource
    fleet: Fleet = field(default_factory=Fleet)
    shift: Shift = field(default_factory=Shift)
    service: Service = field(default_factory=Service)
    costs: Costs = field(default_factory=Costs)
    demand: Demand = field(default_factory=Demand)
    dispatch: Dispatch = field(default_factory=Dispatch)
    base_dir: str = ""

    def path(self, relative: str) -> Path:
        """A path from the file, resolved against :attr:`base_dir`."""
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def shift_s(self) -> tuple[float, float]:
        """Shift start and end in seconds after midnight."""
        return parse_hhmm(self.shift.start), parse_hhmm(self.shift.end)

    def with_vehicles(self, vehicles: int) -> AreaConfig:
        """A copy with another fleet size."""
        return dataclasses.replace(self, fleet=dataclasses.replace(self.fleet, vehicles=vehicles))

    def with_changes(self, **sections: Any) -> AreaConfig:
        """A copy with fields of sections replaced, e.g. ``with_changes(demand={"requests": 30})``."""
        out = self
        for name, changes in sections.items():
            out = dataclasses.replace(
                out, **{name: dataclasses.replace(getattr(out, name), **changes)}
            )
        return out


@dataclass(frozen=True)
class AreasConfig:
    """``AREAS.toml``: ``areas`` = list of ``AREA.toml`` paths (relative to the file) and the
    ``reference`` area id used for calibration (Kitaura)."""

    areas: list[str]
    reference: str = ""
    title: str = ""


@dataclass(frozen=True)
class AreaStudy:
    """What :func:`load_areas` read: the ``AREAS.toml`` settings and every area it lists."""

    settings: AreasConfig
    areas: list[AreaConfig]


def parse_hhmm(text: str) -> float:
    """``"08:30"`` → 30600.0 seconds after midnight (hours may exceed 23), through
    :func:`transit.core.gtfstime.parse_clock`; raises :class:`InputError` otherwise."""
    try:
        return float(parse_clock(text))
    except ValueError as exc:
        raise InputError(f"not a time HH:MM: {text!r}") from exc


def load_area(path: Path) -> AreaConfig:
    """Read and validate an ``AREA.toml`` (all problems reported at once)."""
    path = Path(path)
    data = read_toml(path)
    cfg = from_mapping(
        AreaConfig, {**data, "base_dir": str(path.parent.resolve())}, source=path.name
    )
    _check_area(cfg, path)
    return cfg


def load_areas(path: Path) -> AreaStudy:
    """Read ``AREAS.toml`` and every ``AREA.toml`` it lists (in order); returns both."""
    path = Path(path)
    cfg = from_mapping(AreasConfig, read_toml(path), source=path.name)
    if not cfg.areas:
        raise ConfigError("areas is empty", Location.of(path, field="areas"))
    out = [load_area(path.parent / p) for p in cfg.areas]
    ids = [a.area.id for a in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(
            f"duplicate area ids: {', '.join(dupes)}", Location.of(path, field="areas")
        )
    return AreaStudy(cfg, out)


def _check_area(cfg: AreaConfig, path: Path) -> None:
    problems = [
        *_fleet_and_shift(cfg),
        *_service_and_demand(cfg),
        *_hub_times(cfg),
        *_area_files(cfg),
    ]
    if problems:
        raise InputErrors([ConfigError(msg, Location.of(path, field=key)) for key, msg in problems])


def _fleet_and_shift(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each bad value of ``[fleet]`` and ``[shift]``."""
    out: list[tuple[str, str]] = []
    if cfg.fleet.vehicles < 1:
        out.append(("fleet.vehicles", f"must be at least 1, got {cfg.fleet.vehicles}"))
    if cfg.fleet.capacity < 1:
        out.append(("fleet.capacity", f"must be at least 1, got {cfg.fleet.capacity}"))
    try:
        start, end = cfg.shift_s
        if end <= start:
            out.append(("shift", f"end {cfg.shift.end} is not after start {cfg.shift.start}"))
    except InputError as exc:
        out.append(("shift", exc.message))
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


def _service_and_demand(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each bad value of ``[service]`` and ``[demand]``."""
    out: list[tuple[str, str]] = []
    for name in ("max_wait_min", "max_ride_factor", "speed_factor"):
        if getattr(cfg.service, name) <= 0:
            out.append((f"service.{name}", "must be positive"))
    for name in ("return_share", "advance_share", "group_share"):
        v = getattr(cfg.demand, name)
        if not 0.0 <= v <= 1.0:
            out.append((f"demand.{name}", f"must be between 0 and 1, got {v}"))
    if cfg.demand.dwell_max_min < cfg.demand.dwell_min_min:
        out.append(("demand.dwell_max_min", "must not be below dwell_min_min"))
    if cfg.demand.lead_max_min < cfg.demand.lead_min_min:
        out.append(("demand.lead_max_min", "must not be below lead_min_min"))
    shares = cfg.demand.destination_shares.values()
    if any(v < 0 for v in shares) or not any(v > 0 for v in shares):
        out.append(("demand.destination_shares", "shares must be >= 0 with at least one positive"))
    for hour in cfg.demand.outbound_profile:
        if not hour.isdigit() or not 0 <= int(hour) <= 30:
            out.append(("demand.outbound_profile", f"keys are clock hours 0-30, got {hour!r}"))
    return out


def _area_files(cfg: AreaConfig) -> list[tuple[str, str]]:
    """(key, message) of each file the area names that does not exist."""
    out: list[tuple[str, str]] = []
    for key in ("polygon", "population", "destinations"):
        if key == "polygon" and not cfg.area.polygon:
            continue
        p = cfg.path(getattr(cfg.area, key))
        if not p.is_file():
            out.append((f"area.{key}", f"file not found: {p}"))
    if cfg.demand.request_log and not cfg.path(cfg.demand.request_log).is_file():
        out.append(("demand.request_log", f"file not found: {cfg.path(cfg.demand.request_log)}"))
    return out


# --- reading the area's data -----------------------------------------------------------------


def read_area_polygon(cfg: AreaConfig) -> BaseGeometry:
    """The service-area polygon (WGS84) of the area's ``id`` in its GeoJSON file; with
    ``polygon = ""`` the convex hull of every population point, buffered by about 1 km (a
    whole-city study)."""
    if not cfg.area.polygon:
        pts = read_csv_table(cfg.path(cfg.area.population), required=("lon", "lat"))
        lon = _numeric(pts["lon"], cfg.path(cfg.area.population), "lon")
        lat = _numeric(pts["lat"], cfg.path(cfg.area.population), "lat")
        return shapely.MultiPoint(list(zip(lon, lat, strict=True))).convex_hull.buffer(0.01)
    path = cfg.path(cfg.area.polygon)
    if not path.is_file():
        raise DataNotFoundError(f"area polygon file not found: {path}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid GeoJSON: {exc}", Location.of(path)) from exc
    feats = data.get("features", [data] if data.get("type") == "Feature" else [])
    chosen = [f for f in feats if str(f.get("properties", {}).get("area_id", "")) == cfg.area.id]
    if not chosen and len(feats) == 1:
        chosen = feats
    if not chosen:
        ids = sorted(str(f.get("properties", {}).get("area_id", "")) for f in feats)
        raise InputError(
            f"no feature with area_id {cfg.area.id!r} (found: {', '.join(ids)})", Location.of(path)
        )
    geom = shape(chosen[0]["geometry"])
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError(f"area {cfg.area.id!r} is not a polygon", Location.of(path))
    return geom


def read_population(cfg: AreaConfig, polygon: BaseGeometry) -> pd.DataFrame:
    """Population points inside the area polygon.

    Returns columns ``point_id`` (str), ``lon``, ``lat`` (degrees), ``population``, ``elderly``
    (persons; 0 when the file has no ``elderly`` column).
    """
    path = cfg.path(cfg.area.population)
    df = read_csv_table(path, required=("lon", "lat", "population"))
    if "point_id" not in df.columns:
        df["point_id"] = [f"P{i + 1}" for i in range(len(df))]
    if "elderly" not in df.columns:
        df["elderly"] = 0.0
    for col in ("lon", "lat", "population", "elderly"):
        df[col] = _numeric(df[col], path, col)
    inside = shapely.contains_xy(polygon, df["lon"].to_numpy(), df["lat"].to_numpy())
    out = df.loc[
        inside & (df["population"] > 0), ["point_id", "lon", "lat", "population", "elderly"]
    ]
    out = out.astype({"point_id": str}).reset_index(drop=True)
    if out.empty:
        raise InputError(f"no population inside area {cfg.area.id!r}", Location.of(path))
    return typing.cast(pd.DataFrame, out)


def read_destinations(cfg: AreaConfig, polygon: BaseGeometry) -> pd.DataFrame:
    """Destinations (``places.csv`` rows) inside the area polygon buffered by
    ``destination_buffer_m``.

    Returns columns ``place_id``, ``name_ja``, ``kind`` (str), ``lon``, ``lat``.
    """
    path = cfg.path(cfg.area.destinations)
    df = read_csv_table(path, required=("place_id", "kind", "lon", "lat"))
    if "name_ja" not in df.columns:
        df["name_ja"] = df["place_id"]
    for col in ("lon", "lat"):
        df[col] = _numeric(df[col], path, col)
    deg = cfg.area.destination_buffer_m / 111_000.0
    zone = polygon.buffer(deg)
    inside = shapely.contains_xy(zone, df["lon"].to_numpy(), df["lat"].to_numpy())
    out = df.loc[inside, ["place_id", "name_ja", "kind", "lon", "lat"]].astype(
        {"place_id": str, "name_ja": str, "kind": str}
    )
    if cfg.area.hub_stops:
        out = pd.concat([out, read_hub_stops(cfg)], ignore_index=True)
    out = out.reset_index(drop=True)
    if out.empty:
        raise InputError(f"no destination inside area {cfg.area.id!r}", Location.of(path))
    return typing.cast(pd.DataFrame, out)


def read_hub_stops(cfg: AreaConfig) -> pd.DataFrame:
    """The area's ``hub_stops`` as destinations (kind ``bus_hub``, ``place_id`` = stop id), with
    coordinates from the ``gtfs`` source folder's ``stops.csv`` or the feed's ``stops.txt``."""
    if not cfg.area.gtfs:
        raise ConfigError("hub_stops needs gtfs (where the stops are)", Location(field="area.gtfs"))
    src = cfg.path(cfg.area.gtfs)
    if (src / "stops.csv").is_file():
        stops = read_csv_table(src / "stops.csv", required=("stop_id", "stop_lat", "stop_lon"))
    else:
        stops = read_feed(src).stops
    stops = stops.set_index("stop_id")
    rows = []
    for sid in cfg.area.hub_stops:
        if sid not in stops.index:
            raise ConfigError(
                f"hub stop {sid!r} not in {src.name}", Location(field="area.hub_stops")
            )
        rec = typing.cast(pd.Series, stops.loc[sid])
        rows.append(
            {
                "place_id": sid,
                "name_ja": str(rec.get("stop_name", sid)),
                "kind": "bus_hub",
                "lon": float(rec["stop_lon"]),
                "lat": float(rec["stop_lat"]),
            }
        )
    return pd.DataFrame(rows, columns=["place_id", "name_ja", "kind", "lon", "lat"])


def depot_location(
    cfg: AreaConfig, destinations: pd.DataFrame, polygon: BaseGeometry
) -> tuple[float, float]:
    """(lon, lat) of the depot: a ``place_id``, a ``kind`` (its first place), ``"lon,lat"``,
    else the polygon's representative point."""
    spec = cfg.fleet.depot.strip()
    by_id = destinations[destinations["place_id"] == spec]
    if by_id.empty:
        by_id = destinations[destinations["kind"] == spec]
    if not by_id.empty:
        first = next(iter_rows(by_id))
        return float(first.lon), float(first.lat)
    if "," in spec:
        try:
            lon, lat = (float(v) for v in spec.split(","))
            return lon, lat
        except ValueError:
            pass
    pt = polygon.representative_point()
    return float(pt.x), float(pt.y)


def read_csv_table(path: Path, *, required: tuple[str, ...], what: str = "file") -> pd.DataFrame:
    """A UTF-8 CSV as text cells (BOM tolerated); raises ``DataNotFoundError`` ("``what`` not
    found") when absent and a located :class:`InputError` when unreadable or a ``required``
    column is missing."""
    if not path.is_file():
        raise DataNotFoundError(f"{what} not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a UTF-8 CSV file: {exc}", Location.of(path)) from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}", Location.of(path))
    return df


def _numeric(series: pd.Series, path: Path, col: str) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise InputError(
            f"not a number: {series[bad].iloc[0]!r}", Location.of(path, row=row, column=col)
        )
    return values.astype(float)
