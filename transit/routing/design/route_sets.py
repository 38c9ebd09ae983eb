"""Route-set evaluation for network redesign (Mumford 2013 convention).

A *road/link network* (stops and links with in-vehicle times in minutes), an OD demand table and a
*route set* (each route an ordered list of stops, run in both directions) give the passenger and
operator measures used in the transit network design literature, so that a reorganization
scenario can be compared with published benchmarks (Mandl, Mumford0–3):

- ``ATT``: mean passenger travel time in minutes, in-vehicle time plus 5 minutes per transfer;
- ``d0``, ``d1``, ``d2``, ``dun``: percentage of demand with 0, 1, 2 transfers, and with more than
  2 transfers or no path;
- ``route_time_total``: the sum over routes of the one-direction route travel time (minutes).

Each OD pair takes the least-cost path on the route graph (one node per route and stop, transfer
edges of 5 minutes between routes at the same stop, no waiting, no capacity); when costs tie, the
path with fewer transfers wins.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transit.core.errors import InputError, InputErrors, Location

TRANSFER_PENALTY_MIN = 5.0


@dataclass(frozen=True)
class LinkNetwork:
    """Stops and undirected links with in-vehicle times (minutes), plus OD demand.

    ``links`` maps ``(a, b)`` with ``a < b`` to minutes; ``demand`` maps ``(o, d)`` to trips.
    """

    stops: tuple[int, ...]
    links: Mapping[tuple[int, int], float]
    demand: Mapping[tuple[int, int], float]
    name: str = ""

    def link_time(self, a: int, b: int) -> float | None:
        """In-vehicle minutes between adjacent stops, or ``None`` when there is no link."""
        return self.links.get((a, b) if a < b else (b, a))


@dataclass(frozen=True)
class RouteSetResult:
    """Measures of one route set; percentages are of total demand (0–100)."""

    ATT: float
    d0: float
    d1: float
    d2: float
    dun: float
    route_time_total: float
    n_routes: int
    demand_total: float
    per_route_time: tuple[float, ...] = field(default=())

    def as_dict(self) -> dict[str, float | int]:
        """The scalar measures as a flat record (for tables and JSON)."""
        return {
            "n_routes": self.n_routes,
            "ATT": self.ATT,
            "d0": self.d0,
            "d1": self.d1,
            "d2": self.d2,
            "dun": self.dun,
            "route_time_total": self.route_time_total,
            "demand_total": self.demand_total,
        }


def read_link_network(folder: Path, prefix: str) -> LinkNetwork:
    """Read ``{prefix}_nodes.txt``, ``{prefix}_links.txt``, ``{prefix}_demand.txt`` (CSV with headers).

    This is the Mandl/Mumford file layout (``id,...``; ``from,to,travel_time``; ``from,to,demand``).
    Both link directions may be listed; they must agree.
    """
    paths = {kind: folder / f"{prefix}_{kind}.txt" for kind in ("nodes", "links", "demand")}
    for path in paths.values():
        if not path.is_file():
            raise InputError(
                f"file not found (expected {path.name} in {folder})", Location.of(path)
            )
    nodes = pd.read_csv(paths["nodes"], skipinitialspace=True)
    links = pd.read_csv(paths["links"], skipinitialspace=True)
    demand = pd.read_csv(paths["demand"], skipinitialspace=True)
    _require_columns(nodes, ["id"], paths["nodes"])
    _require_columns(links, ["from", "to", "travel_time"], paths["links"])
    _require_columns(demand, ["from", "to", "demand"], paths["demand"])
    stops = tuple(sorted(int(v) for v in nodes["id"]))
    link_map: dict[tuple[int, int], float] = {}
    problems: list[InputError] = []
    for i, (a, b, t) in enumerate(links[["from", "to", "travel_time"]].itertuples(index=False)):
        key = (int(min(a, b)), int(max(a, b)))
        if key in link_map and link_map[key] != float(t):
            problems.append(
                InputError(
                    f"link {a}-{b} has two different times ({link_map[key]} and {t})",
                    Location.of(paths["links"], row=i + 2),
                )
            )
        link_map[key] = float(t)
    if problems:
        raise InputErrors(problems)
    dem = {
        (int(o), int(d)): float(q)
        for o, d, q in demand[["from", "to", "demand"]].itertuples(index=False)
        if float(q) > 0 and int(o) != int(d)
    }
    return LinkNetwork(stops=stops, links=link_map, demand=dem, name=prefix)


def _require_columns(df: pd.DataFrame, cols: Sequence[str], path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (found: {', '.join(map(str, df.columns))})",
            Location.of(path, row=1),
        )


def parse_route_set(text: str, *, source: str = "routes") -> tuple[tuple[int, ...], ...]:
    """Parse routes written one per line as stop ids joined by ``-`` (``1-2-3-6``).

    Blank lines and lines starting with ``#`` are ignored.
    """
    routes: list[tuple[int, ...]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            routes.append(tuple(int(tok) for tok in line.split("-")))
        except ValueError:
            raise InputError(
                f"'{line}' is not a route (expected stop ids joined by '-', e.g. 1-2-3)",
                Location(file=source, row=lineno),
            ) from None
    if not routes:
        raise InputError(
            "no routes found (expected one route per line, e.g. 1-2-3)", Location(file=source)
        )
    return tuple(routes)


def check_route_set(
    network: LinkNetwork,
    routes: Sequence[Sequence[int]],
    *,
    min_stops: int = 2,
    max_stops: int | None = None,
) -> list[str]:
    """Problems that make a route set infeasible (empty list when feasible).

    A route must have ``min_stops``..``max_stops`` stops, no repeated stop, and follow existing
    links; together the routes must cover every stop and form one connected network.
    """
    problems: list[str] = []
    known = set(network.stops)
    for k, route in enumerate(routes, start=1):
        if len(route) < min_stops or (max_stops is not None and len(route) > max_stops):
            problems.append(f"route {k} has {len(route)} stops (allowed {min_stops}..{max_stops})")
        if len(set(route)) != len(route):
            problems.append(f"route {k} repeats a stop")
        unknown = [s for s in route if s not in known]
        if unknown:
            problems.append(f"route {k} has unknown stop(s) {unknown}")
        for a, b in itertools.pairwise(route):
            if network.link_time(a, b) is None:
                problems.append(f"route {k} uses {a}-{b}, which is not a link")
    covered = {s for r in routes for s in r}
    missing = sorted(known - covered)
    if missing:
        problems.append(f"stops not covered by any route: {missing}")
    if covered and not _connected(routes):
        problems.append("the routes do not form one connected network")
    return problems


def _connected(routes: Sequence[Sequence[int]]) -> bool:
    adjacency: dict[int, set[int]] = {}
    for route in routes:
        for a, b in itertools.pairwise(route):
            adjacency.setdefault(a, set()).add(b)
            adjacency.setdefault(b, set()).add(a)
        for s in route:
            adjacency.setdefault(s, set())
    start = next(iter(adjacency))
    seen = {start}
    stack = [start]
    while stack:
        for nxt in adjacency[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return len(seen) == len(adjacency)


def evaluate_route_set(
    network: LinkNetwork,
    routes: Sequence[Sequence[int]],
    *,
    transfer_penalty: float = TRANSFER_PENALTY_MIN,
) -> RouteSetResult:
    """Evaluate a route set: ATT (minutes), transfer shares (%), total route time (minutes).

    Raises :class:`InputError` when a route uses a pair of stops that is not a link.
    """
    for k, route in enumerate(routes, start=1):
        for a, b in itertools.pairwise(route):
            if network.link_time(a, b) is None:
                raise InputError(f"route {k} uses {a}-{b}, which is not a link of {network.name}")
    per_route = tuple(
        sum(network.link_time(a, b) or 0.0 for a, b in itertools.pairwise(r)) for r in routes
    )
    total = sum(network.demand.values())
    cost_sum = 0.0
    served = 0.0
    by_transfers = [0.0, 0.0, 0.0]
    origins = sorted({o for o, _ in network.demand})
    for origin in origins:
        best = _least_cost_from(origin, routes, network, transfer_penalty)
        for (o, d), q in network.demand.items():
            if o != origin or d not in best:
                continue
            cost, transfers = best[d]
            served += q
            cost_sum += q * cost
            if transfers <= 2:
                by_transfers[transfers] += q
    att = cost_sum / served if served else float("nan")
    pct = [100.0 * v / total if total else 0.0 for v in by_transfers]
    return RouteSetResult(
        ATT=att,
        d0=pct[0],
        d1=pct[1],
        d2=pct[2],
        dun=100.0 - sum(pct) if total else 0.0,
        route_time_total=sum(per_route),
        n_routes=len(routes),
        demand_total=total,
        per_route_time=per_route,
    )


def _least_cost_from(
    origin: int,
    routes: Sequence[Sequence[int]],
    network: LinkNetwork,
    penalty: float,
) -> dict[int, tuple[float, int]]:
    """Lexicographic Dijkstra over (cost, transfers) on the route graph from one origin stop.

    Returns, for every reachable stop, the least cost (minutes) and, among least-cost paths,
    the fewest transfers.
    """
    # one node per (route, stop): a stop a route passes twice is one node of that route
    ride: dict[tuple[int, int], list[tuple[int, float]]] = {}
    at_stop: dict[int, set[int]] = {}
    for r, route in enumerate(routes):
        for s in route:
            at_stop.setdefault(s, set()).add(r)
            ride.setdefault((r, s), [])
        for a, b in itertools.pairwise(route):
            t = network.link_time(a, b) or 0.0
            ride[(r, a)].append((b, t))
            ride[(r, b)].append((a, t))
    done: set[tuple[int, int]] = set()
    heap = [(0.0, 0, r, origin) for r in sorted(at_stop.get(origin, ()))]
    heapq.heapify(heap)
    best: dict[int, tuple[float, int]] = {}
    while heap:
        cost, transfers, r, stop = heapq.heappop(heap)
        if (r, stop) in done:
            continue
        done.add((r, stop))
        if stop not in best or (cost, transfers) < best[stop]:
            best[stop] = (cost, transfers)
        for nxt, t in ride[(r, stop)]:
            if (r, nxt) not in done:
                heapq.heappush(heap, (cost + t, transfers, r, nxt))
        for r2 in at_stop[stop]:
            if r2 != r and (r2, stop) not in done:
                heapq.heappush(heap, (cost + penalty, transfers + 1, r2, stop))
    return best


def read_literature_route_sets(path: Path) -> dict[str, tuple[tuple[int, ...], ...]]:
    """Read a literature file of named route sets: a title line, a count line, then the routes.

    Returns ``{title: routes}`` in file order (the layout of the Arbex Mandl collection).
    """
    lines = [ln.strip() for ln in path.read_text("utf-8").splitlines()]
    out: dict[str, tuple[tuple[int, ...], ...]] = {}
    i = 0
    while i < len(lines):
        title = lines[i]
        if not title or title[0].isdigit():
            i += 1
            continue
        if i + 1 >= len(lines) or not lines[i + 1].isdigit():
            i += 1
            continue
        count = int(lines[i + 1])
        body = "\n".join(lines[i + 2 : i + 2 + count])
        out[title] = parse_route_set(body, source=f"{path.name}: {title}")
        i += 2 + count
    return out


def compare_route_sets(
    network: LinkNetwork, scenarios: Iterable[tuple[str, Sequence[Sequence[int]]]]
) -> pd.DataFrame:
    """Evaluate several route sets side by side.

    Returns one row per scenario with columns ``scenario, n_routes, ATT, d0, d1, d2, dun,
    route_time_total, demand_total, feasible, problems`` (minutes and percent as above).
    """
    rows = []
    for name, routes in scenarios:
        problems = check_route_set(network, routes)
        row: dict[str, object] = {"scenario": name}
        row.update(evaluate_route_set(network, routes).as_dict())
        row["feasible"] = not problems
        row["problems"] = "; ".join(problems)
        rows.append(row)
    return pd.DataFrame(rows)
