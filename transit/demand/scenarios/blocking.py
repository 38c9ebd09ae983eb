"""Vehicle blocking (車両運用): the fewest buses that run a day's trips, and the driver time.

Two trips can be run one after the other by the same bus when the second starts no earlier than
the first ends plus the minimum layover plus the empty run (deadhead) from the first trip's last
stop to the second's first stop. The fewest buses is a minimum path cover of that "can follow"
graph: trips − the maximum matching of trips to their successors. Among the maximum matchings
the one with the least idle time between trips is taken (a minimum-weight full matching, SciPy's
LAPJVsp, with a "no successor" choice per trip costing more than any idle time), so the blocks
also have the shortest total span. Each chain of matched trips is one bus's day (a block); its
driver time is the block's span (first departure to last arrival) plus the sign-on/off time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

#: Columns of the trip table :func:`block_trips` takes.
TRIP_COLUMNS = ("trip_id", "start_s", "end_s", "first_stop_id", "last_stop_id")


@dataclass(frozen=True)
class Blocks:
    """A day's blocks: ``trips`` (the input with ``block`` from 1 and ``order`` within the
    block), ``vehicles`` (number of blocks) and ``driver_hours``."""

    trips: pd.DataFrame
    vehicles: int
    driver_hours: float


def block_trips(
    trips: pd.DataFrame,
    deadhead_s: npt.NDArray[np.float64],
    stop_ids: list[str],
    *,
    min_layover_s: float,
    sign_on_off_s: float,
) -> Blocks:
    """Chain ``trips`` (:data:`TRIP_COLUMNS`, seconds) into the fewest blocks.

    ``deadhead_s[i, j]`` is the empty running time from stop ``stop_ids[i]`` to
    ``stop_ids[j]`` (0 on the diagonal). Returns :class:`Blocks` (blocks numbered by their
    first departure).
    """
    t = trips.sort_values(["start_s", "trip_id"], kind="stable").reset_index(drop=True)
    n = len(t)
    if n == 0:
        return Blocks(
            t.assign(block=pd.Series([], dtype=int), order=pd.Series([], dtype=int)), 0, 0.0
        )
    where = {s: i for i, s in enumerate(stop_ids)}
    last = np.asarray(t["last_stop_id"].astype(str).map(where), dtype=np.int64)
    first = np.asarray(t["first_stop_id"].astype(str).map(where), dtype=np.int64)
    start, end = t["start_s"].to_numpy(dtype=float), t["end_s"].to_numpy(dtype=float)
    nxt = _matching(_successors(start, end, min_layover_s, last, first, deadhead_s), n)
    block = np.zeros(n, dtype=np.int64)
    order = np.zeros(n, dtype=np.int64)
    has_prev = np.zeros(n, dtype=bool)
    has_prev[nxt[nxt >= 0]] = True
    span = 0.0
    for b, head in enumerate(np.flatnonzero(~has_prev), start=1):
        i, k = int(head), 1
        while True:
            block[i], order[i] = b, k
            if nxt[i] < 0:
                break
            i, k = int(nxt[i]), k + 1
        span += end[i] - start[head] + sign_on_off_s
    t["block"], t["order"] = block, order
    return Blocks(t, int((~has_prev).sum()), span / 3600.0)


def _successors(
    start: npt.NDArray[np.float64],
    end: npt.NDArray[np.float64],
    layover: float,
    last: npt.NDArray[np.int64],
    first: npt.NDArray[np.int64],
    deadhead: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """``(i, j, idle seconds)`` for every trip ``j`` (sorted by start) that can follow ``i``."""
    rows, cols, idle = [], [], []
    for i in range(len(start)):
        j0 = int(np.searchsorted(start, end[i] + layover, side="left"))
        js = np.arange(j0, len(start))
        ok = end[i] + layover + deadhead[last[i], first[js]] <= start[js]
        rows.append(np.full(int(ok.sum()), i))
        cols.append(js[ok])
        idle.append(start[js[ok]] - end[i])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(idle)


def _matching(
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]], n: int
) -> npt.NDArray[np.int64]:
    """Each trip's successor (-1 for none): a maximum matching with the least idle time."""
    rows, cols, idle = edges
    no_next = (float(idle.max()) + 1.0 if len(idle) else 1.0) * (n + 1)
    r = np.concatenate([rows, np.arange(n)])
    c = np.concatenate([cols, n + np.arange(n)])
    w = np.concatenate([idle + 1.0, np.full(n, no_next)])  # +1: zero weights are "no edge"
    graph = csr_matrix((w, (r, c)), shape=(n, 2 * n))
    _, col = min_weight_full_bipartite_matching(graph)
    nxt = np.asarray(col, dtype=np.int64)
    return np.where(nxt < n, nxt, -1)
