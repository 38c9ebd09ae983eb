"""Rule ``trips``: a route's trips with a very low 平均乗車密度 are removed (edit ``remove``).

A trip whose ``avg_load`` (pax-km ÷ vehicle-km over every scheduled run of the period) is below
``min_trip_avg_load`` is a candidate; one proposal per route lists its candidate trips.
"""

from __future__ import annotations

from transit.core.gtfstime import format_hhmm
from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal, slug, strongest
from transit.demand.proposals.params import ProposalParams


def trip_proposals(facts: Facts, params: ProposalParams) -> list[Proposal]:
    """One ``remove`` proposal per route with trips below ``min_trip_avg_load`` (at most
    ``max_per_rule``, the lowest route-level load of the trips first)."""
    trips = facts.trips
    low = trips[(trips["runs"] > 0) & (trips["avg_load"].fillna(0.0) < params.min_trip_avg_load)]
    found = []
    src = facts.source("trip KPIs")
    for route_id, group in low.groupby("route_id", sort=True):
        g = group.sort_values(["service_id", "start_s", "trip_id"])
        avg = float(g["pax_km"].sum() / g["vehicle_km"].sum())
        when = "、".join(
            f"{facts.service_label(s)} {format_hhmm(t)}発"
            for s, t in zip(g["service_id"], g["start_s"], strict=True)
        )
        rname = facts.route_name(str(route_id))
        evidence = (
            Evidence("trips", "対象便数", float(len(g)), "便", src),
            Evidence("avg_load", "対象便の平均乗車密度", round(avg, 3), "人（平均）", src),
            Evidence("runs", "対象便の運行回数（期間計）", float(g["runs"].sum()), "回", src),
            Evidence("boardings", "対象便の乗車人員（期間計）", float(g["boardings"].sum()), "人", src),
            Evidence("vehicle_hours", "対象便の運行時間（期間計）", round(float(g["vehicle_hours"].sum()), 3), "時間", src),
        )  # fmt: skip
        found.append(
            Proposal(
                id=slug("trips", str(route_id)),
                kind="trips",
                title_ja=f"{rname} 平均乗車密度の低い便（{len(g)}便）の廃止",
                change_ja=f"{rname}の{when}の便を廃止する。",
                edits=({"kind": "remove", "route": str(route_id), "trips": list(g["trip_id"])},),
                evidence=evidence,
                severity=avg,
            )
        )
    return strongest(found, params.max_per_rule)
