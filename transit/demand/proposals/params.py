"""Every threshold of the proposal rules, with its default, in one place.

Every default but the seed comes from the assumptions table (``proposals.*`` in
``transit/core/assumptions.toml``, ``docs/assumptions.md``); ``docs/proposals.md`` explains them. Override by passing a changed :class:`ProposalParams` (``dataclasses.replace``).
"""

from __future__ import annotations

from dataclasses import dataclass

from transit.core.assumptions import from_table


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

    min_tail_load: float = from_table("proposals.min_tail_load")
    min_trip_avg_load: float = from_table("proposals.min_trip_avg_load")
    min_band_avg_load: float = from_table("proposals.min_band_avg_load")
    min_band_trips: int = from_table("proposals.min_band_trips")
    headway_factor: float = from_table("proposals.headway_factor")
    headway_round_min: int = from_table("proposals.headway_round_min")
    min_zone_stops: int = from_table("proposals.min_zone_stops")
    max_zone_riders_per_day: float = from_table("proposals.max_zone_riders_per_day")
    zone_radius_m: float = from_table("proposals.zone_radius_m")
    zone_vehicles: int = from_table("proposals.zone_vehicles")
    zone_start: str = from_table("proposals.zone_start")
    zone_end: str = from_table("proposals.zone_end")
    redesign_routes: int = from_table("proposals.redesign_routes")
    redesign_iterations: int = from_table("proposals.redesign_iterations")
    redesign_seed: int = 1
    min_shared_stops: int = from_table("proposals.min_shared_stops")
    max_bunch_min: float = from_table("proposals.max_bunch_min")
    max_per_rule: int = from_table("proposals.max_per_rule")
    k: int = from_table("privacy.k")
