"""The parameters of a scenario evaluation: every number that is not a fact, with its default.

Two frozen dataclasses, loadable from the ``[search]`` and ``[costs]`` tables of a scenario file
(:mod:`transit.demand.scenarios.scenario`). Every default comes from the assumptions table
(``scenarios.search.*``, ``scenarios.costs.*`` and ``privacy.k`` in
``transit/core/assumptions.toml``, listed in ``docs/assumptions.md`` with its unit, kind and
source); change it in the file, never in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from transit.core.assumptions import from_table


@dataclass(frozen=True)
class SearchParams:
    """How a rider's journey is searched on the timetable (:mod:`.assign`).

    Attributes
    ----------
    depart_before_min, depart_after_min
        A rider may leave the origin up to this many minutes before / after the requested time
        (an observed ride's boarding time, or the edges of an OD cell's time band).
    max_walk_m
        Longest walk (straight line) from the origin to a stop, between stops at a transfer, and
        from a stop to the destination.
    walk_speed_kmh, walk_detour_factor
        Walking time = straight-line distance × detour factor / speed (elderly riders: 4 km/h).
    min_transfer_min
        Time needed to change buses (after the walk, if any).
    transfer_penalty_min
        Generalized cost of each transfer (the Mumford convention's 5 minutes).
    max_transfers
        Transfers allowed (2 = up to three buses).
    wait_weight
        Weight of the origin shift (minutes between the requested and the chosen departure).
    max_journey_min
        Longest door-to-door journey (first departure to arrival) still counted as kept.
    """

    depart_before_min: float = from_table("scenarios.search.depart_before_min")
    depart_after_min: float = from_table("scenarios.search.depart_after_min")
    max_walk_m: float = from_table("scenarios.search.max_walk_m")
    walk_speed_kmh: float = from_table("scenarios.search.walk_speed_kmh")
    walk_detour_factor: float = from_table("scenarios.search.walk_detour_factor")
    min_transfer_min: float = from_table("scenarios.search.min_transfer_min")
    transfer_penalty_min: float = from_table("scenarios.search.transfer_penalty_min")
    max_transfers: int = from_table("scenarios.search.max_transfers")
    wait_weight: float = from_table("scenarios.search.wait_weight")
    max_journey_min: float = from_table("scenarios.search.max_journey_min")

    def __post_init__(self) -> None:
        problems = [
            name
            for name in (
                "depart_before_min",
                "depart_after_min",
                "max_walk_m",
                "min_transfer_min",
                "transfer_penalty_min",
                "wait_weight",
            )
            if getattr(self, name) < 0
        ]
        problems += [
            name
            for name in ("walk_speed_kmh", "walk_detour_factor", "max_journey_min")
            if getattr(self, name) <= 0
        ]
        if problems:
            raise ValueError(f"must be positive: {', '.join(problems)}")
        if not 0 <= self.max_transfers <= 5:
            raise ValueError("max_transfers must be between 0 and 5")

    def walk_s(self, metres: float) -> float:
        """Walking time (seconds) over a straight-line distance."""
        return metres * self.walk_detour_factor / (self.walk_speed_kmh / 3.6)


@dataclass(frozen=True)
class CostParams:
    """Vehicle blocking, cost and coverage (:mod:`.blocking`, :mod:`.measures`, :mod:`.coverage`).

    Attributes
    ----------
    cost_per_vehicle_km_yen
        Bus operating cost per vehicle-km (yen).
    min_layover_min
        Shortest layover between two trips of one vehicle (at the same stop, before deadhead).
    deadhead_speed_kmh, deadhead_detour_factor
        Empty running between trips when no road network is given: straight line × detour
        factor at this speed.
    sign_on_off_min
        Driver time per vehicle block beyond its first departure to last arrival (checks,
        walking to the depot), for ``driver_hours``.
    blank_radius_m
        A population point farther than this from every stop with service, and outside every
        on-demand zone, is in a 交通空白地 (transit blank area).
    k
        Small-cell threshold of every published table (riders by route and stop).
    """

    cost_per_vehicle_km_yen: float = from_table("scenarios.costs.cost_per_vehicle_km_yen")
    min_layover_min: float = from_table("scenarios.costs.min_layover_min")
    deadhead_speed_kmh: float = from_table("scenarios.costs.deadhead_speed_kmh")
    deadhead_detour_factor: float = from_table("scenarios.costs.deadhead_detour_factor")
    sign_on_off_min: float = from_table("scenarios.costs.sign_on_off_min")
    blank_radius_m: float = from_table("scenarios.costs.blank_radius_m")
    k: int = from_table("privacy.k")

    def __post_init__(self) -> None:
        bad = [
            name
            for name in ("cost_per_vehicle_km_yen", "min_layover_min", "sign_on_off_min", "k")
            if getattr(self, name) < 0
        ]
        bad += [
            name
            for name in ("deadhead_speed_kmh", "deadhead_detour_factor", "blank_radius_m")
            if getattr(self, name) <= 0
        ]
        if bad:
            raise ValueError(f"must be positive: {', '.join(bad)}")
