"""Every threshold of the proposal rules, with its default, in one place.

All values are **assumptions** (planning rules of thumb, not facts); ``docs/proposals.md`` lists
them. Override by passing a changed :class:`ProposalParams` (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalParams:
    """Thresholds of the rules (units in the names).

    ``min_tail_load``: a route's end segments whose mean load (riders on board per run, both
    directions) is below it form a *tail*; only stops no other route serves can be cut.
    ``min_trip_avg_load``: trips whose 平均乗車密度 over the period is below it are proposed for
    removal. ``min_band_avg_load`` and ``min_band_trips``: a route's time band (per service)
    with at least that many trips (both directions) and a 平均乗車密度 below the threshold gets
    a headway ``headway_factor`` times longer, rounded to ``headway_round_min``.
    ``min_zone_stops``, ``max_zone_riders_per_day``: a route's outer branch of at least that
    many stops served by no other route, whose stops see at most that many boardings and
    alightings per day, becomes an on-demand zone of circles of ``zone_radius_m`` around its
    stops, ``zone_vehicles`` cars from ``zone_start`` to ``zone_end``.
    ``redesign_routes`` (0: the feed's number of routes), ``redesign_iterations``,
    ``redesign_seed``: the network design optimizer's route count, iteration budget (one worker)
    and seed of the ``redesign`` proposal.
    ``min_shared_stops``, ``max_bunch_min``: two routes sharing a run of at least that many
    consecutive stops whose trips leave it within that many minutes of each other bunch.
    ``max_per_rule``: at most this many proposals per rule (the lowest loads first).
    ``k``: rider counts below it are not printed.
    """

    min_tail_load: float = 1.2
    min_trip_avg_load: float = 0.15
    min_band_avg_load: float = 0.4
    min_band_trips: int = 8
    headway_factor: float = 2.0
    headway_round_min: int = 5
    min_zone_stops: int = 2
    max_zone_riders_per_day: float = 40.0
    zone_radius_m: float = 400.0
    zone_vehicles: int = 2
    zone_start: str = "07:00"
    zone_end: str = "19:00"
    redesign_routes: int = 0
    redesign_iterations: int = 2000
    redesign_seed: int = 1
    min_shared_stops: int = 3
    max_bunch_min: float = 2.0
    max_per_rule: int = 4
    k: int = 10


DEFAULT_PARAMS = ProposalParams()
