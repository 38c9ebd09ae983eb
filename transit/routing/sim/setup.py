"""What a simulated day needs: the service, cost and dispatcher parameters and the day setup.

The parameter dataclasses (:class:`Service`, :class:`Costs`, :class:`Dispatch`) are the
``[service]``, ``[costs]`` and ``[dispatch]`` sections of an ``AREA.toml``
(:mod:`transit.routing.areas.config` reads them); their defaults are calibrated to Kitaura's
2-car service (``docs/drt-simulation.md``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Service:
    """Service limits: maximum wait after the desired pickup time, maximum ride time
    (``max_ride_factor × direct + max_ride_extra_min``), boarding and alighting times, the
    transfer buffer at a bus hub, and the speed factor of a small car on the road network."""

    max_wait_min: float = 30.0
    max_ride_factor: float = 1.5
    max_ride_extra_min: float = 10.0
    boarding_min: float = 1.0
    alighting_min: float = 0.5
    transfer_buffer_min: float = 3.0
    speed_factor: float = 1.0


@dataclass(frozen=True)
class Costs:
    """Fare per passenger (yen, adult one way: Kitaura ¥300) and operating cost per vehicle-hour
    of service (yen; a chartered small taxi with driver, an assumption)."""

    fare_yen: float = 300.0
    cost_per_vehicle_hour_yen: float = 3600.0


@dataclass(frozen=True)
class Dispatch:
    """Dispatcher settings: re-optimization period and look-ahead (rolling horizon), solver time
    per re-optimization (seconds), and whether to re-optimize at all."""

    reopt_interval_min: float = 20.0
    horizon_min: float = 60.0
    time_limit_s: float = 1.0
    reoptimize: bool = True


@dataclass(frozen=True, eq=False)
class DaySetup:
    """Everything one simulated day needs, already read and prepared.

    ``graph`` has ``travel_time`` (s) and ``length`` (m) on every edge; ``requests`` is a request
    table (:mod:`transit.routing.areas.bookings`); ``depot`` is (lon, lat); ``hub_departures`` maps a
    hub ``place_id`` to its sorted bus departures (seconds), ``"*"`` applying to every hub.
    """

    graph: nx.MultiDiGraph
    requests: pd.DataFrame
    depot: tuple[float, float]
    vehicles: int
    capacity: int
    shift_s: tuple[float, float]
    service: Service = field(default_factory=Service)
    costs: Costs = field(default_factory=Costs)
    dispatch: Dispatch = field(default_factory=Dispatch)
    hub_departures: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    area_id: str = ""
    name_ja: str = ""


def iter_rows(df: pd.DataFrame) -> Iterator[Any]:
    """Rows of a table as named tuples (loosely typed: pandas-stubs types each cell as a union)."""
    return iter(df.itertuples(index=False))


def next_departures(departures: Sequence[float], after: float) -> tuple[float | None, float | None]:
    """The first departure at or after ``after`` and the one following it (``None`` if none)."""
    arr = np.asarray(departures, dtype=float)
    k = int(np.searchsorted(arr, after, side="left"))
    first = float(arr[k]) if k < len(arr) else None
    second = float(arr[k + 1]) if k + 1 < len(arr) else None
    return first, second
