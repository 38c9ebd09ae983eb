"""Bulk travel-time and distance matrices on a road network (scipy.sparse.csgraph Dijkstra).

The graph is turned once into a compressed sparse row matrix (:func:`graph_to_csr`; parallel
edges keep their smallest weight), then one multi-source Dijkstra call computes every row.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from transit.core.errors import InputError

#: Rows computed per Dijkstra call (bounds memory at ``chunk × n_nodes`` floats).
DEFAULT_CHUNK = 512


@dataclass(frozen=True)
class CsrGraph:
    """A road graph as a sparse matrix: ``matrix[i, j]`` = edge weight from node ``nodes[i]`` to
    ``nodes[j]`` (smallest over parallel edges); ``index`` maps a node id to its row."""

    matrix: csr_matrix
    nodes: tuple[Hashable, ...]
    index: dict[Hashable, int]
    weight: str

    def rows(self, nodes: Sequence[Hashable]) -> np.ndarray:
        """Row numbers of the given node ids (raises :class:`InputError` for unknown ids)."""
        try:
            return np.fromiter((self.index[n] for n in nodes), dtype=np.int64, count=len(nodes))
        except KeyError as exc:
            raise InputError(f"node {exc.args[0]!r} is not in the road network") from exc


def graph_to_csr(graph: nx.MultiDiGraph, *, weight: str = "travel_time") -> CsrGraph:
    """Sparse adjacency matrix of ``graph`` with edge attribute ``weight`` (missing → error).

    Zero weights are kept as a tiny positive value (1e-9) so that they are not read as
    "no edge" by the sparse format.
    """
    nodes = tuple(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    m = graph.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    wts = np.empty(m, dtype=float)
    for k, (u, v, w) in enumerate(graph.edges(data=weight)):
        if w is None:
            raise InputError(
                f"edge {u!r}→{v!r} has no {weight!r} (call add_travel_times first)", None
            )
        src[k], dst[k], wts[k] = index[u], index[v], float(w)
    wts = np.maximum(wts, 1e-9)
    # keep the smallest weight of parallel edges: sort by weight descending so the last wins
    order = np.lexsort((-wts, dst, src))
    src, dst, wts = src[order], dst[order], wts[order]
    keep = np.ones(m, dtype=bool)
    if m:
        same = (src[1:] == src[:-1]) & (dst[1:] == dst[:-1])
        keep[:-1] = ~same  # of a run of equal (src, dst) keep the last = smallest weight
    n = len(nodes)
    mat = csr_matrix((wts[keep], (src[keep], dst[keep])), shape=(n, n))
    return CsrGraph(matrix=mat, nodes=nodes, index=index, weight=weight)


def travel_time_matrix(
    graph: nx.MultiDiGraph | CsrGraph,
    origins: Sequence[Hashable],
    destinations: Sequence[Hashable] | None = None,
    *,
    weight: str = "travel_time",
    chunk: int = DEFAULT_CHUNK,
) -> np.ndarray:
    """Shortest-path cost from every origin to every destination.

    Parameters
    ----------
    graph
        A graph with edge attribute ``weight`` (seconds for ``travel_time``, metres for
        ``length``), or a prepared :class:`CsrGraph` (reuse it when computing many matrices).
    origins, destinations
        Node ids; ``destinations`` defaults to ``origins``. Repeated ids are fine.

    Returns
    -------
    numpy.ndarray
        ``float64`` array of shape ``(len(origins), len(destinations))``; ``inf`` where the
        destination cannot be reached; 0 on identical nodes.
    """
    csr = graph if isinstance(graph, CsrGraph) else graph_to_csr(graph, weight=weight)
    dest = origins if destinations is None else destinations
    o_rows = csr.rows(origins)
    d_rows = csr.rows(dest)
    uniq, inverse = np.unique(o_rows, return_inverse=True)
    out_u = np.empty((len(uniq), len(d_rows)), dtype=float)
    for start in range(0, len(uniq), max(1, chunk)):
        part = uniq[start : start + chunk]
        dist = dijkstra(csr.matrix, directed=True, indices=part)
        out_u[start : start + len(part)] = dist[:, d_rows]
    return out_u[inverse]


def shortest_path_nodes(
    csr: CsrGraph, origin: Hashable, destinations: Sequence[Hashable]
) -> list[list[Hashable]]:
    """Node sequences of the shortest paths from ``origin`` to each destination (for drawing
    vehicle tracks). An unreachable destination gives an empty list."""
    src = csr.index[origin]
    _dist, pred = dijkstra(csr.matrix, directed=True, indices=[src], return_predecessors=True)
    row = pred[0]
    paths: list[list[Hashable]] = []
    for d in destinations:
        j = csr.index[d]
        if j == src:
            paths.append([origin])
            continue
        if row[j] < 0:
            paths.append([])
            continue
        seq = [j]
        while seq[-1] != src:
            seq.append(int(row[seq[-1]]))
        paths.append([csr.nodes[i] for i in reversed(seq)])
    return paths
