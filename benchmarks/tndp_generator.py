"""Generated stand-ins for the Mumford2/Mumford3-size design instances (not the published files).

Mumford's generator recipe (Mumford 2013, CEC; see ``tndp/SOURCES.md``): nodes on a grid, links
by proximity, travel time the Euclidean distance, demand random within a range. Here:

- ``n`` distinct integer points drawn uniformly on a ``side × side`` grid, ``side = round(3.1·√n)``
  (the spacing of Mumford0: 30 nodes on 17×17, Mumford1: 70 nodes on 26×26);
- links: a Euclidean minimum spanning tree (so every node is reachable), a link from every node
  with a single link to its nearest other node (no dead ends), then pairs in order of distance,
  each taken with probability 0.6 while both ends have fewer than 10 links, until the number of
  links is reached;
- travel time ``round(distance) + 1`` minutes (what the Mumford0/1 files show: their link times
  exceed the distance by 0.53–1.39);
- demand between every ordered pair, symmetric, a multiple of 5 drawn uniformly in 5..800 (as in
  the Mumford0/1 files).

The draws come from ``numpy.random.default_rng(seed)``: a seed always gives the same instance.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree

from transit.core.fileio import atomic_write_text
from transit.routing.design.network import LinkNetwork

#: Stand-ins by name: nodes, undirected links, routes, min/max nodes per route, seed, and the
#: published instance of the same size.
STANDINS: dict[str, tuple[int, int, int, int, int, int, str]] = {
    "gen110": (110, 385, 56, 10, 22, 110, "Mumford2"),
    "gen127": (127, 425, 60, 12, 25, 127, "Mumford3"),
}
MAX_DEGREE = 10
TAKE = 0.6


def generate(n_nodes: int, n_links: int, *, seed: int) -> tuple[LinkNetwork, np.ndarray]:
    """A generated instance and its node coordinates (n×2 integer grid points)."""
    rng = np.random.default_rng(seed)
    side = round(3.1 * math.sqrt(n_nodes))
    cells = rng.choice(side * side, size=n_nodes, replace=False)
    xy = np.stack([cells // side + 1, cells % side + 1], axis=1)
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    links = _links(dist, n_links, rng)
    stops = tuple(range(1, n_nodes + 1))
    link_times = {(a + 1, b + 1): float(round(dist[a, b]) + 1) for a, b in links}
    q = rng.integers(1, 161, size=(n_nodes, n_nodes)) * 5
    q = np.triu(q, 1)
    q = q + q.T
    demand = {
        (o + 1, d + 1): float(q[o, d]) for o in range(n_nodes) for d in range(n_nodes) if o != d
    }
    return LinkNetwork(stops=stops, links=link_times, demand=demand, name=""), xy


def _links(dist: np.ndarray, n_links: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    n = len(dist)
    tree = minimum_spanning_tree(dist).tocoo()
    chosen = {(min(a, b), max(a, b)) for a, b in zip(tree.row, tree.col, strict=True)}
    degree = np.zeros(n, dtype=int)
    for a, b in chosen:
        degree[a] += 1
        degree[b] += 1
    for a in range(n):
        if degree[a] < 2:
            b = next(
                int(b)
                for b in np.argsort(dist[a], kind="stable")[1:]
                if (min(a, b), max(a, b)) not in chosen
            )
            chosen.add((min(a, b), max(a, b)))
            degree[a] += 1
            degree[b] += 1
    iu = np.triu_indices(n, 1)
    order = np.lexsort((rng.random(len(iu[0])), dist[iu]))
    while len(chosen) < n_links:
        before = len(chosen)
        for k in order:
            a, b = int(iu[0][k]), int(iu[1][k])
            if (a, b) in chosen or degree[a] >= MAX_DEGREE or degree[b] >= MAX_DEGREE:
                continue
            if rng.random() < TAKE:
                chosen.add((a, b))
                degree[a] += 1
                degree[b] += 1
                if len(chosen) == n_links:
                    break
        if len(chosen) == before:
            raise ValueError(f"cannot place {n_links} links with at most {MAX_DEGREE} per node")
    return sorted(chosen)


def write_instance(network: LinkNetwork, xy: np.ndarray, folder: Path, prefix: str) -> Path:
    """Write ``{prefix}_nodes.txt``, ``_links.txt``, ``_demand.txt`` in the Mandl/Mumford layout
    (both directions listed); returns the path prefix ``folder/prefix``."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = ["id,lat,lon,terminal"] + [
        f"{s},{xy[s - 1][0]},{xy[s - 1][1]},1" for s in network.stops
    ]
    links = ["from,to,travel_time"]
    for (a, b), t in sorted(network.links.items()):
        links += [f"{a},{b},{t:g}", f"{b},{a},{t:g}"]
    demand = ["from,to,demand"] + [f"{o},{d},{q:g}" for (o, d), q in sorted(network.demand.items())]
    for kind, lines in (("nodes", nodes), ("links", links), ("demand", demand)):
        atomic_write_text(folder / f"{prefix}_{kind}.txt", "\n".join(lines) + "\n")
    return folder / prefix


def standin(name: str, folder: Path) -> Path:
    """Generate and write the stand-in ``name`` of :data:`STANDINS`; returns its path prefix."""
    n_nodes, n_links, *_, seed, _published = STANDINS[name]
    network, xy = generate(n_nodes, n_links, seed=seed)
    return write_instance(network, xy, folder, name)
