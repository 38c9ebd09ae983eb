"""Rule ``ondemand``: a route's outer branch whose stops few riders use is served by on-demand
cars instead (edit ``on_demand``, the zone written as GeoJSON beside the scenario file).

From a terminal inwards, the *branch* is the run of stops no other route serves whose
boardings and alightings over the period, per day of the period, stay at most
``max_zone_riders_per_day`` (the route keeps two stops outside). A branch of at least
``min_zone_stops`` stops becomes an on-demand zone: the union of circles of ``zone_radius_m`` around
them (smaller where another stop is nearer than twice that), with ``zone_vehicles`` cars from
``zone_start`` to ``zone_end``. Riders change to the bus where the cut trips now end.
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import mapping

from transit.core.geo import haversine_m
from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal, slug, strongest
from transit.demand.proposals.params import ProposalParams
from transit.demand.proposals.tails import main_pattern

M_PER_DEG = 111_320.0


def ondemand_proposals(facts: Facts, params: ProposalParams) -> list[Proposal]:
    """One ``on_demand`` proposal per route end with a light branch (at most
    ``max_per_rule``, the fewest riders per day first)."""
    sch = facts.schedule
    st = sch.stop_times.merge(sch.trips[["trip_id", "route_id"]], on="trip_id")
    routes_at = {str(s): {str(r) for r in g} for s, g in st.groupby("stop_id")["route_id"]}
    days = max(1, (facts.last - facts.first).days + 1)
    found = []
    for route_id in sorted(sch.trips["route_id"].unique()):
        pattern = main_pattern(facts, str(route_id))
        if len(pattern) < 3 or pattern[0] == pattern[-1]:
            continue
        lo = facts.loads[facts.loads["route_id"] == route_id]
        per_stop = (
            lo.groupby("stop_id")["boardings"].sum() + lo.groupby("stop_id")["alightings"].sum()
        ).to_dict()
        for stops in (pattern[::-1], pattern):
            branch = _branch(
                stops, str(route_id), routes_at, per_stop, params.max_zone_riders_per_day * days
            )
            if len(branch) >= params.min_zone_stops:
                touched = int(sum(per_stop.get(x, 0) for x in branch))
                found.append(_proposal(facts, str(route_id), stops, branch, touched, days, params))
    return strongest(found, params.max_per_rule)


def _branch(
    stops: list[str],
    route_id: str,
    routes_at: dict[str, set[str]],
    per_stop: dict[str, int],
    most: float,
) -> list[str]:
    """The stops at the end of ``stops`` served by ``route_id`` only, terminal first, while
    their boardings and alightings together are at most ``most`` (two stops of the route stay
    outside)."""
    out: list[str] = []
    total = 0
    i = len(stops) - 1
    while i >= 2 and routes_at.get(stops[i]) == {route_id} and stops[i] not in out:
        total += per_stop.get(stops[i], 0)
        if total > most:
            break
        out.append(stops[i])
        i -= 1
    return out


def zone_geojson(facts: Facts, branch: list[str], zone_id: str, radius_m: float) -> str:
    """A FeatureCollection with one polygon (``area_id`` = ``zone_id``): circles around the
    branch's stops, each no wider than 0.45 × the distance to the nearest stop off the branch."""
    stops = facts.schedule.stops.drop_duplicates("stop_id").set_index("stop_id")
    lat0 = float(stops.loc[branch, "stop_lat"].mean())
    kx = M_PER_DEG * np.cos(np.radians(lat0))
    others = stops.drop(index=branch)
    circles = []
    lats = stops["stop_lat"].astype(float).to_dict()
    lons = stops["stop_lon"].astype(float).to_dict()
    olat = others["stop_lat"].to_numpy(dtype=np.float64)
    olon = others["stop_lon"].to_numpy(dtype=np.float64)
    for s in branch:
        la, lo = float(lats[s]), float(lons[s])
        near = haversine_m(np.full(len(olat), la), np.full(len(olat), lo), olat, olon)
        r = min(radius_m, 0.45 * float(np.nanmin(near))) if len(others) else radius_m
        circle = shapely.Point(0.0, 0.0).buffer(r, quad_segs=8)
        xy = shapely.get_coordinates(circle)
        circles.append(
            shapely.Polygon(np.column_stack([lo + xy[:, 0] / kx, la + xy[:, 1] / M_PER_DEG]))
        )
    zone = shapely.union_all(circles)
    feature = {"type": "Feature", "properties": {"area_id": zone_id}, "geometry": mapping(zone)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False)


def _proposal(
    facts: Facts, route_id: str, stops: list[str], branch: list[str], touched: int, days: int,
    params: ProposalParams,
) -> Proposal:  # fmt: skip
    pid = slug("ondemand", route_id, branch[0])
    hub = stops[len(stops) - 1 - len(branch)]
    names = "・".join(facts.stop_name(s) for s in branch[::-1])
    rname = facts.route_name(route_id)
    src = facts.source("loads")
    edit = {
        "kind": "on_demand", "area": f"{pid}.geojson", "area_id": pid,
        "vehicles": params.zone_vehicles, "start": params.zone_start, "end": params.zone_end,
    }  # fmt: skip
    evidence = (
        Evidence("zone_stops", "対象停留所数", float(len(branch)), "停留所", "timetable (feed)"),
        Evidence("zone_boardings_alightings", "対象停留所の乗降人員（期間計）", float(touched), "人", src),
        Evidence("days", "期間の日数", float(days), "日", src),
    )  # fmt: skip
    return Proposal(
        id=pid,
        kind="ondemand",
        title_ja=f"{rname} {names}のオンデマンド交通への転換",
        change_ja=(
            f"{rname}の{names}をオンデマンド交通（{params.zone_vehicles}台、"
            f"{params.zone_start}～{params.zone_end}）で運行し、{facts.stop_name(hub)}でバスに乗り継ぐ。"
        ),
        edits=(edit,),
        evidence=evidence,
        severity=touched / days,
        attachments=((f"{pid}.geojson", zone_geojson(facts, branch, pid, params.zone_radius_m)),),
    )
