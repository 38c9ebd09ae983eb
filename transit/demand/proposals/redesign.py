"""Rule ``redesign`` (路線網の再設計): the network design optimizer on the city's own stops.

On the link network of :mod:`.citynet` (poles, links weighted by the median run time, the
store's OD rides), :func:`transit.routing.design.optimize.design_route_set` designs
``redesign_routes`` routes (0: as many as the feed has) of A..B stops, A and B the fewest and
most stops of today's routes, for the passenger objective (ATT), one worker, an iteration
budget ``redesign_iterations`` and seed ``redesign_seed``: the same inputs give the same
routes. Today's routes are evaluated by the same evaluator on the same network.

The scenario is one ``replace_routes`` edit: every route of the feed is replaced by the
designed ones. **Headways**, per service: one band from the first departure of the service's
trips to a minute after its last; the same headway on every new route, the shortest multiple
of ``headway_round_min`` whose vehicle-hours (both directions, the routes' run times) are at
most the service's vehicle-hours today — scaled, for services that run on weekdays, by
``budget / today's weekday vehicle-hours`` when a budget is given. No proposal when the
network admits no route set for the bounds.
"""

from __future__ import annotations

import math

from transit.core.errors import InputError
from transit.core.gtfstime import format_hhmm
from transit.demand.proposals.citynet import CityNetwork, city_network
from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal
from transit.demand.proposals.params import ProposalParams
from transit.routing.design.evaluation import RouteSetResult, evaluate_route_set
from transit.routing.design.network import RouteSet
from transit.routing.design.optimize import DesignRequest, design_route_set

#: Labels of the transfer shares of the design evaluator.
TRANSFERS_JA = {"d0": "乗換なしの割合", "d1": "乗換1回の割合", "d2": "乗換2回の割合",
                "dun": "乗換3回以上・経路なしの割合"}  # fmt: skip


def redesign_proposals(
    facts: Facts, params: ProposalParams, *, budget_vehicle_hours: float | None = None
) -> list[Proposal]:
    """The ``redesign`` proposal (none when the city's network admits no route set)."""
    city = city_network(facts)
    today = tuple(r for r in city.routes.values() if len(set(r)) >= 2)
    if not today or not city.network.demand:
        return []
    sizes = [len(set(r)) for r in today]
    request = DesignRequest(
        n_routes=params.redesign_routes or len(today), min_nodes=min(sizes),
        max_nodes=max(sizes), objective="passenger", iterations=params.redesign_iterations,
        seed=params.redesign_seed, workers=1,
    )  # fmt: skip
    try:
        best = design_route_set(city.network, request).best
    except InputError:
        return []
    assert best is not None
    now = evaluate_route_set(city.network, today)
    headways = _headways(facts, city, best.routes, params, budget_vehicle_hours)
    return [_proposal(facts, city, best.routes, now, best.evaluation, headways, request)]


def _headways(
    facts: Facts, city: CityNetwork, routes: RouteSet, params: ProposalParams,
    budget: float | None,
) -> dict[str, tuple[int, int, int]]:  # fmt: skip
    """``{service_id: (start_s, end_s, headway_min)}`` by the rule of the module docstring."""
    trips = facts.schedule.trips
    minutes = sum(evaluate_route_set(city.network, [r]).route_time_total for r in routes)
    weekday = {s for s in trips["service_id"].astype(str) if "平日" in facts.service_label(s)}
    per_day = trips[trips["service_id"].astype(str).isin(weekday)]["hours"].sum()
    scale = budget / float(per_day) if budget is not None and per_day > 0 else 1.0
    out: dict[str, tuple[int, int, int]] = {}
    for service, g in trips.groupby(trips["service_id"].astype(str), sort=True):
        target = float(g["hours"].sum()) * (scale if service in weekday else 1.0)
        start, end = int(g["start_s"].min()), int(g["start_s"].max()) + 60
        step = params.headway_round_min
        h = step
        while _hours(start, end, h, minutes) > target and h < (end - start) / 60:
            h += step
        out[str(service)] = (start, end, h)
    return out


def _hours(start: int, end: int, headway_min: int, route_minutes: float) -> float:
    """Vehicle-hours of a trip every ``headway_min`` in ``[start, end)`` both ways."""
    trips = math.ceil((end - start) / (headway_min * 60))
    return 2 * trips * route_minutes / 60.0


def _proposal(
    facts: Facts, city: CityNetwork, routes: RouteSet, now: RouteSetResult,
    new: RouteSetResult, headways: dict[str, tuple[int, int, int]], request: DesignRequest,
) -> Proposal:  # fmt: skip
    src = facts.source("od")
    period = f"{facts.first:%Y-%m-%d}..{facts.last:%Y-%m-%d}"
    evidence = [
        Evidence("od_rides", f"OD表の乗車数（{period}）", city.rides, "人", src),
        Evidence("od_pairs", "OD表の停留所ペア数", float(city.pairs), "組", src),
    ]
    for key, label, r in (("now", "現行路線", now), ("new", "再設計案", new)):
        evidence += [
            Evidence(f"att_{key}_min", f"{label}の平均所要時間（ATT）", round(r.ATT, 2), "分", "design"),
            *(Evidence(f"{m}_{key}_pct", f"{label}の{ja}（{m}）", round(getattr(r, m), 2), "%", "design")
              for m, ja in TRANSFERS_JA.items()),
            Evidence(f"route_time_{key}_min", f"{label}の路線時間計", round(r.route_time_total, 1), "分", "design"),
        ]  # fmt: skip
    new_routes = [
        {"route_id": f"D{k}", "stops": list(city.stops_of(r)),
         "name": f"{facts.stop_name(city.stops_of(r)[0])}～{facts.stop_name(city.stops_of(r)[-1])}"}
        for k, r in enumerate(routes, start=1)
    ]  # fmt: skip
    services = [
        {"service_id": s, "bands": [
            {"start": format_hhmm(a), "end": format_hhmm(b), "headway_min": h}]}
        for s, (a, b, h) in headways.items()
    ]  # fmt: skip
    gaps = "、".join(f"{facts.service_label(s)}{h}分間隔" for s, (_, _, h) in headways.items())
    return Proposal(
        id="redesign",
        kind="redesign",
        title_ja=f"路線網の再設計（{len(routes)}路線、ATT {now.ATT:.1f}分→{new.ATT:.1f}分）",
        change_ja=(
            f"現行{len(city.routes)}路線を最適化した{len(routes)}路線（"
            + "、".join(str(r["name"]) for r in new_routes)
            + f"）に置き換え、{gaps}で運行する（反復{request.iterations}回、乱数{request.seed}）。"
        ),
        edits=(
            {
                "kind": "replace_routes",
                "routes": sorted(city.routes),
                "new_routes": new_routes,
                "services": services,
            },
        ),
        evidence=tuple(evidence),
        severity=new.ATT - now.ATT,
    )
