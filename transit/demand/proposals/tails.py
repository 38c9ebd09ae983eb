"""Rule ``tail``: a route's end where few riders are on board is cut (edit ``truncate``).

From a terminal inwards, a segment belongs to the tail while its mean load (riders on board per
run, both directions together, :func:`segment_loads`) is below ``min_tail_load`` and its outer
stop is served by no other route. The route then turns at the first stop inside the tail's
inner end. Loops (first stop = last stop) have no tail.
"""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal, slug, strongest
from transit.demand.proposals.params import ProposalParams


def segment_loads(loads: pd.DataFrame) -> pd.DataFrame:
    """Per route and unordered stop pair: ``route_id``, ``a``, ``b`` (``a < b``), ``runs``
    (trip runs over the segment, both directions), ``load_sum`` (Σ riders on board),
    ``mean_load`` (persons per run)."""
    lo = loads.sort_values(["trip_id", "date", "seq"], kind="stable")
    nxt = lo.groupby(["trip_id", "date"])["stop_id"].shift(-1)
    seg = lo.assign(to=nxt).dropna(subset=["to"])
    a = seg[["stop_id", "to"]].min(axis=1)
    b = seg[["stop_id", "to"]].max(axis=1)
    seg = seg.assign(a=a, b=b)
    out = seg.groupby(["route_id", "a", "b"], sort=True).agg(
        runs=("load", "size"), load_sum=("load", "sum")
    )
    out["mean_load"] = out["load_sum"] / out["runs"]
    return out.reset_index()


def main_pattern(facts: Facts, route_id: str) -> list[str]:
    """The most common stop sequence of the route's trips (direction 0 when it has one)."""
    sch = facts.schedule
    trips = sch.trips[sch.trips["route_id"] == route_id]
    if (trips["direction_id"] == 0).any():
        trips = trips[trips["direction_id"] == 0]
    st = sch.stop_times[sch.stop_times["trip_id"].isin(set(trips["trip_id"]))]
    seqs = st.sort_values(["trip_id", "seq"]).groupby("trip_id")["stop_id"].agg(tuple)
    if seqs.empty:
        return []
    counts = seqs.value_counts().sort_index()
    return [str(s) for s in counts.index[int(counts.to_numpy().argmax())]]


def tail_proposals(facts: Facts, params: ProposalParams) -> list[Proposal]:
    """One ``truncate`` proposal per route end with a tail (at most ``max_per_rule``, the
    lowest tail loads first)."""
    segs = segment_loads(facts.loads).set_index(["route_id", "a", "b"])
    st = facts.schedule.stop_times.merge(
        facts.schedule.trips[["trip_id", "route_id"]], on="trip_id"
    )
    routes_at = pd.Series({s: set(g) for s, g in st.groupby("stop_id")["route_id"]}, dtype=object)
    flat = segs["mean_load"].reset_index()
    means = {
        (str(r), str(x), str(y)): float(m)
        for r, x, y, m in zip(
            flat["route_id"], flat["a"], flat["b"], flat["mean_load"], strict=True
        )
    }
    found: list[Proposal] = []
    for route_id in sorted(facts.schedule.trips["route_id"].unique()):
        pattern = main_pattern(facts, route_id)
        if len(pattern) < 3 or pattern[0] == pattern[-1]:
            continue
        for stops in (pattern[::-1], pattern):
            tail = _tail(stops, route_id, means, routes_at, params)
            if tail:
                found.append(_proposal(facts, route_id, stops, tail, segs))
    return strongest(found, params.max_per_rule)


def _tail(
    stops: list[str],
    route_id: str,
    means: dict[tuple[str, str, str], float],
    routes_at: pd.Series,
    params: ProposalParams,
) -> list[str]:
    """The tail at the end of ``stops`` (``stops[0]`` is the inner end, the terminal last)."""
    tail: list[str] = []
    i = len(stops) - 1
    while i >= 2:
        outer, inner = stops[i], stops[i - 1]
        load = _mean(means, route_id, inner, outer)
        if load is None or load >= params.min_tail_load or routes_at.get(outer) != {route_id}:
            break
        tail.append(outer)
        i -= 1
    return tail


def _mean(means: dict[tuple[str, str, str], float], route_id: str, x: str, y: str) -> float | None:
    return means.get((route_id, min(x, y), max(x, y)))


def _proposal(
    facts: Facts, route_id: str, stops: list[str], tail: list[str], segs: pd.DataFrame
) -> Proposal:
    terminal, at = tail[0], stops[len(stops) - 1 - len(tail)]
    chain = [at, *tail[::-1]]
    keys = [(route_id, min(x, y), max(x, y)) for x, y in pairwise(chain)]
    rows = segs.loc[keys]
    mean = float(rows["load_sum"].sum() / rows["runs"].sum())
    lo = facts.loads[facts.loads["route_id"] == route_id]
    at_tail = lo[lo["stop_id"].isin(set(tail))]
    touched = int(at_tail["boardings"].sum() + at_tail["alightings"].sum())
    names = "・".join(facts.stop_name(s) for s in tail[::-1])
    rname, at_name = facts.route_name(route_id), facts.stop_name(at)
    loads_src = facts.source("loads")
    evidence = (
        Evidence("tail_mean_load", "末端区間の平均乗車人数（1便あたり）", round(mean, 3), "人（平均）", loads_src),
        Evidence("tail_runs", "末端区間の運行便数（期間計、両方向）", float(rows["runs"].sum()), "便", loads_src),
        Evidence("tail_boardings_alightings", "末端停留所の乗降人員（期間計）", float(touched), "人", loads_src),
        Evidence("route_boardings", "路線の乗車人員（期間計）", float(lo["boardings"].sum()), "人", loads_src),
    )  # fmt: skip
    return Proposal(
        id=slug("tail", route_id, terminal),
        kind="tail",
        title_ja=f"{rname} 末端区間（{names}）の短縮",
        change_ja=f"{rname}を{at_name}で折り返し、{names}を廃止する。",
        edits=({"kind": "truncate", "route": route_id, "at_stop": at, "beyond": terminal},),
        evidence=evidence,
        severity=mean,
    )
