"""The city's stop network as a link network of :mod:`transit.routing.design`.

**Nodes are poles** (``stop_id``), not stop names: the store's rides board and alight at
poles, the trips call at poles, and a pole belongs to one side of the road, so grouping the
poles of a name would join stops the timetable never links (the two sides of a road and a
terminal's bays) and leave the new routes' trips without a pole to call at. Nodes are
numbered 1, 2, … in ``stop_id`` order (the optimizer's stops are integers).

**Links** join the consecutive stops of the feed's trips (undirected), weighted by the median
scheduled run time in minutes (:func:`transit.demand.scenarios.replace.median_run_times`, on
the schedule's times, which :mod:`transit.core.gtfstime` parsed). **Demand** is the store's
rides over the period, boarding pole → alighting pole (pairs with a pole off the network, or
boarding and alighting at one pole, are left out).

**Today's routes** on the network: each route's most common stop pattern (trips of direction
0 when it has any; ties to the longer, then the smaller pattern).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from transit.demand.proposals.facts import Facts
from transit.demand.scenarios.replace import median_run_times
from transit.routing.design.network import LinkNetwork


@dataclass(frozen=True)
class CityNetwork:
    """The link network, ``stop_ids`` (node ``i`` is ``stop_ids[i - 1]``), today's routes as
    ``{route_id: node ids}`` (feed order) and the OD rides mapped onto the nodes: ``rides``
    (total), ``pairs`` (OD pairs with rides)."""

    network: LinkNetwork
    stop_ids: tuple[str, ...]
    routes: dict[str, tuple[int, ...]]
    rides: float
    pairs: int

    def node(self, stop_id: str) -> int:
        """The node of a pole."""
        return self.stop_ids.index(stop_id) + 1

    def stops_of(self, nodes: tuple[int, ...]) -> tuple[str, ...]:
        """The poles of ``nodes``."""
        return tuple(self.stop_ids[n - 1] for n in nodes)


def city_network(facts: Facts) -> CityNetwork:
    """The link network of ``facts`` (see the module docstring)."""
    st = facts.schedule.stop_times.sort_values(["trip_id", "seq"], kind="stable")
    runs = median_run_times(st)
    stop_ids = tuple(sorted({s for pair in runs for s in pair}))
    index = {s: i + 1 for i, s in enumerate(stop_ids)}
    links = {
        (min(index[a], index[b]), max(index[a], index[b])): secs / 60.0
        for (a, b), secs in runs.items()
    }
    od = facts.od
    demand: dict[tuple[int, int], float] = {}
    if len(od):
        for o, d, q in od[["board_stop_id", "alight_stop_id", "rides"]].itertuples(index=False):
            if str(o) in index and str(d) in index and str(o) != str(d) and q > 0:
                key = (index[str(o)], index[str(d)])
                demand[key] = demand.get(key, 0.0) + float(q)
    network = LinkNetwork(stops=tuple(index.values()), links=links, demand=demand, name="feed")
    routes = {
        str(r): tuple(index[s] for s in pattern if s in index)
        for r, pattern in _patterns(facts, st).items()
    }
    return CityNetwork(network, stop_ids, routes, sum(demand.values()), len(demand))


def _patterns(facts: Facts, st: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each route's most common stop pattern (direction 0 when it has any)."""
    seqs = {str(t): tuple(g.astype(str)) for t, g in st.groupby("trip_id", sort=False)["stop_id"]}
    trips = facts.schedule.trips
    trips = trips[trips["trip_id"].astype(str).isin(set(seqs))]
    out: dict[str, tuple[str, ...]] = {}
    for route in facts.schedule.routes["route_id"].astype(str):
        mine = trips[trips["route_id"].astype(str) == route]
        outbound = mine[mine["direction_id"] == 0]
        mine = outbound if len(outbound) else mine
        counts = Counter(seqs[str(t)] for t in mine["trip_id"])
        if counts:
            top = max((n, len(p)) for p, n in counts.items())
            out[route] = sorted(p for p, n in counts.items() if (n, len(p)) == top)[0]
    return out
