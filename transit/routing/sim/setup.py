"""What a simulated day needs: the service, cost and dispatcher parameters and the day setup.

The parameter dataclasses (:class:`Service`, :class:`Costs`, :class:`Dispatch`) are the
``[service]``, ``[costs]`` and ``[dispatch]`` sections of an ``AREA.toml``
(:mod:`transit.routing.areas.config` reads them); their defaults are calibrated to Kitaura's
2-car service (``docs/drt-simulation.md``), and each numeric field declares the values it
accepts (:func:`transit.core.config.bounded`): the area loader reports a value outside its range
with the file and the key, and building one with such a value raises
:class:`~transit.core.errors.InputErrors`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.assumptions import default
from transit.core.config import bounded, check_ranges, format_number

#: Most yen a fare or a vehicle-hour may cost.
MAX_YEN = 1_000_000.0
#: Most seconds of solver time one re-optimization may take.
MAX_TIME_LIMIT_S = 600.0
#: Most seconds of solver time the re-optimizations of one day may take together
#: (``docs/limits.md``).
MAX_SOLVER_S_PER_DAY = 3600.0


#: Longest time in minutes a parameter may take: one day.
DAY_MIN = 1440.0


@dataclass(frozen=True)
class Service:
    """Service limits: maximum wait after the desired pickup time, maximum ride time
    (``max_ride_factor × direct + max_ride_extra_min``), boarding and alighting times, the
    transfer buffer at a bus hub, and the speed factor of a small car on the road network.

    Ranges (refused otherwise, see :func:`transit.core.config.bounded`): ``max_wait_min`` in
    (0, 1440]; ``max_ride_factor`` in [1, 10]; the other minutes in [0, 1440];
    ``speed_factor`` in [0.1, 10].
    """

    max_wait_min: float = bounded(
        default_factory=default("drt.service.max_wait_min"), gt=0, le=DAY_MIN
    )
    max_ride_factor: float = bounded(
        default_factory=default("drt.service.max_ride_factor"), ge=1, le=10
    )
    max_ride_extra_min: float = bounded(
        default_factory=default("drt.service.max_ride_extra_min"), ge=0, le=DAY_MIN
    )
    boarding_min: float = bounded(
        default_factory=default("drt.service.boarding_min"), ge=0, le=DAY_MIN
    )
    alighting_min: float = bounded(
        default_factory=default("drt.service.alighting_min"), ge=0, le=DAY_MIN
    )
    transfer_buffer_min: float = bounded(
        default_factory=default("drt.service.transfer_buffer_min"), ge=0, le=DAY_MIN
    )
    speed_factor: float = bounded(
        default_factory=default("drt.service.speed_factor"), ge=0.1, le=10
    )

    def __post_init__(self) -> None:
        check_ranges(self, prefix="service")


@dataclass(frozen=True)
class Costs:
    """Fare per passenger (yen, adult one way: Kitaura ¥300) and operating cost per vehicle-hour
    of service (yen; a chartered small taxi with driver, an assumption); each in [0, 1,000,000]."""

    fare_yen: float = bounded(default_factory=default("drt.costs.fare_yen"), ge=0, le=MAX_YEN)
    cost_per_vehicle_hour_yen: float = bounded(
        default_factory=default("drt.costs.cost_per_vehicle_hour_yen"), ge=0, le=MAX_YEN
    )

    def __post_init__(self) -> None:
        check_ranges(self, prefix="costs")


@dataclass(frozen=True)
class Dispatch:
    """Dispatcher settings: re-optimization period and look-ahead (rolling horizon), solver time
    per re-optimization (seconds), and whether to re-optimize at all.

    Ranges: ``reopt_interval_min`` and ``horizon_min`` in (0, 1440]; ``time_limit_s`` in
    (0, 600]. A day's re-optimizations may take at most :data:`MAX_SOLVER_S_PER_DAY` seconds of
    solver time together (:meth:`solver_budget_problem`).
    """

    reopt_interval_min: float = bounded(
        default_factory=default("drt.dispatch.reopt_interval_min"), gt=0, le=DAY_MIN
    )
    horizon_min: float = bounded(
        default_factory=default("drt.dispatch.horizon_min"), gt=0, le=DAY_MIN
    )
    time_limit_s: float = bounded(
        default_factory=default("drt.dispatch.time_limit_s"), gt=0, le=MAX_TIME_LIMIT_S
    )
    reoptimize: bool = True

    def __post_init__(self) -> None:
        check_ranges(self, prefix="dispatch")

    def reoptimizations(self, shift_s: tuple[float, float]) -> int:
        """How many re-optimizations a shift (start, end in seconds) has: one every
        ``reopt_interval_min`` from the start, before the end (0 when ``reoptimize`` is off)."""
        start, end = shift_s
        if not self.reoptimize or end <= start:
            return 0
        # (capped: an interval of a few picoseconds must not overflow the count)
        return math.ceil(min((end - start) / (self.reopt_interval_min * 60.0), 1e15))

    def solver_budget_problem(self, shift_s: tuple[float, float]) -> str | None:
        """Why the shift's re-optimizations would take too long (more than
        :data:`MAX_SOLVER_S_PER_DAY` seconds of solver time), or ``None``."""
        n = self.reoptimizations(shift_s)
        total = n * self.time_limit_s
        if total <= MAX_SOLVER_S_PER_DAY:
            return None
        hours = (shift_s[1] - shift_s[0]) / 3600.0
        return (
            f"{n:,} re-optimizations of {format_number(self.time_limit_s)} s each (every "
            f"{format_number(self.reopt_interval_min)} min over a {hours:.1f}-hour shift) would "
            f"take up to {total / 3600.0:,.1f} hours of solver time, above the limit of "
            f"{MAX_SOLVER_S_PER_DAY / 3600.0:g} hour a day: raise reopt_interval_min or lower "
            "time_limit_s"
        )


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
