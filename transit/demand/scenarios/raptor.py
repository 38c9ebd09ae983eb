"""Round-based earliest-arrival search (RAPTOR) for many riders at once.

A *row* is a rider's first boarding: trip ``t`` boarded at position ``p``. Round 0 rides that trip
to every later stop; round ``k`` (``k`` transfers) boards, at any stop reached in round ``k − 1``
(by alighting there, or by one walk from where they alighted, plus the minimum transfer time),
the earliest trip of every pattern through it, and rides it on. Labels are "at most ``k``
transfers", so round ``k`` keeps every arrival of round ``k − 1``.

All rows of a batch move together: every label is a NumPy vector over the batch, and a pattern
is scanned only from its first stop improved in the previous round. Patterns are FIFO (see
:mod:`.timetable`), so the earliest catchable trip is found by binary search and switching to an
earlier trip further down the pattern is exact. The parents of every label are kept so that the
chosen journeys can be read back leg by leg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transit.demand.scenarios.timetable import (
    KEY_SCALE,
    FloatArray,
    IntArray,
    Pattern,
    Timetable,
    Walks,
)

#: ``trip`` parent of a label carried over unchanged from the previous round.
CARRIED = -2
#: ``trip`` parent of a stop not reached.
NONE = -1


@dataclass(frozen=True, eq=False)
class Labels:
    """Arrival labels of a batch of rows, round by round.

    ``best[k, s, r]``: earliest arrival (s) at stop ``s`` by alighting a bus, with at most ``k``
    transfers, for row ``r`` (``inf`` = not reached). ``trip``/``board_pos``/``alight_pos``: the
    last leg of that label (``trip`` = :data:`CARRIED` when the label is round ``k − 1``'s).
    ``walk_from[k, s, r]``: the stop whose round-``k`` arrival let row ``r`` board at ``s`` in
    round ``k + 1`` (``s`` itself when no walk)."""

    best: FloatArray
    trip: npt.NDArray[np.int32]
    board_pos: npt.NDArray[np.int32]
    alight_pos: npt.NDArray[np.int32]
    walk_from: npt.NDArray[np.int32]


def search(
    tt: Timetable,
    walks: Walks,
    row_trip: IntArray,
    row_pos: IntArray,
    *,
    rounds: int,
    min_transfer_s: float,
) -> Labels:
    """Labels of the rows ``(row_trip[i], row_pos[i])`` after ``rounds`` rounds (``rounds`` =
    max transfers + 1)."""
    n_rows, n_stops = len(row_trip), tt.n_stops
    shape = (rounds, n_stops, n_rows)
    labels = Labels(
        best=np.full(shape, np.inf),
        trip=np.full(shape, NONE, dtype=np.int32),
        board_pos=np.zeros(shape, dtype=np.int32),
        alight_pos=np.zeros(shape, dtype=np.int32),
        walk_from=np.zeros((max(rounds - 1, 0), n_stops, n_rows), dtype=np.int32),
    )
    if n_rows == 0:
        return labels
    _first_round(tt, row_trip, row_pos, labels)
    previous_ready = np.full((n_stops, n_rows), np.inf)
    for k in range(1, rounds):
        ready = _relax(labels.best[k - 1], walks, labels.walk_from[k - 1], min_transfer_s)
        improved = ready < previous_ready
        marked = np.nonzero(improved.any(axis=1))[0]
        previous_ready = ready
        labels.best[k] = labels.best[k - 1]
        labels.trip[k] = CARRIED
        for pattern_index, first in _patterns_from(tt, marked).items():
            pattern = tt.patterns[pattern_index]
            rows = np.flatnonzero(improved[pattern.stops[first:-1]].any(axis=0))
            if len(rows):
                _scan(pattern, first, ready, labels, k, rows if 2 * len(rows) < n_rows else None)
    return labels


def _first_round(tt: Timetable, row_trip: IntArray, row_pos: IntArray, labels: Labels) -> None:
    """Round 0: every stop after the boarding position of each row's trip."""
    length = tt.offsets[row_trip + 1] - tt.offsets[row_trip]
    counts = length - row_pos - 1
    rows = np.repeat(np.arange(len(row_trip)), counts)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    apos = np.repeat(row_pos, counts) + 1 + within
    event = np.repeat(tt.offsets[row_trip], counts) + apos
    stop, arr = tt.ev_stop[event], tt.ev_arr[event]
    order = np.lexsort((arr, stop, rows))  # per (row, stop) the earliest arrival first
    rows, stop, arr, apos = rows[order], stop[order], arr[order], apos[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (stop[1:] != stop[:-1])
    rows, stop, arr, apos = rows[first], stop[first], arr[first], apos[first]
    labels.best[0, stop, rows] = arr
    labels.trip[0, stop, rows] = row_trip[rows]
    labels.board_pos[0, stop, rows] = row_pos[rows]
    labels.alight_pos[0, stop, rows] = apos


def _relax(
    best: FloatArray, walks: Walks, walk_from: npt.NDArray[np.int32], slack: float
) -> FloatArray:
    """Ready-to-board times after a round: the arrival at a stop, or one walk from another
    stop's arrival, plus the minimum transfer time; ``walk_from`` records where from."""
    ready = best + slack
    walk_from[:] = np.arange(best.shape[0], dtype=np.int32)[:, None]
    for links in walks.slots:  # the j-th link into each stop: no stop twice in one slot
        src, dst = walks.src[links], walks.dst[links]
        cand = best[src] + (walks.walk_s[links] + slack)[:, None]
        old = ready[dst]
        better = cand < old
        ready[dst] = np.where(better, cand, old)
        walk_from[dst] = np.where(better, src[:, None].astype(np.int32), walk_from[dst])
    return ready


def _patterns_from(tt: Timetable, marked: IntArray) -> dict[int, int]:
    """Pattern → first position at a marked stop, for every pattern through a marked stop."""
    out: dict[int, int] = {}
    for s in marked:
        lo, hi = tt.stop_pattern_offsets[s], tt.stop_pattern_offsets[s + 1]
        for p, q in zip(
            tt.stop_pattern[lo:hi].tolist(), tt.stop_pattern_pos[lo:hi].tolist(), strict=True
        ):
            if q < out.get(p, 1 << 30):
                out[p] = q
    return out


def _scan(
    pattern: Pattern,
    first: int,
    ready: FloatArray,
    labels: Labels,
    k: int,
    rows: IntArray | None,
) -> None:
    """Ride ``pattern`` from position ``first`` in round ``k`` for ``rows`` (every row when
    ``None``) at once: only rows improved at one of its stops can find something new.

    With FIFO trips the trip a row rides after position ``q`` is the running minimum over
    positions up to ``q`` of the earliest trip it can catch there, so every position is
    computed in a few array operations."""
    length, n_trips = pattern.dep_t.shape
    stops = pattern.stops[first:]
    if len(stops) < 2:
        return
    q = np.arange(first, length - 1)
    at = ready[stops[:-1]] if rows is None else ready[np.ix_(stops[:-1], rows)]
    queries = q[:, None] * KEY_SCALE + at
    e = np.searchsorted(pattern.dep_keys, queries.ravel()).reshape(queries.shape)
    e = np.minimum(e - q[:, None] * n_trips, n_trips)  # earliest catchable trip (n = none)
    cur = np.minimum.accumulate(e, axis=0)
    boarded = np.empty(e.shape, dtype=bool)
    boarded[0] = e[0] < n_trips
    boarded[1:] = e[1:] < cur[:-1]
    bpos = np.maximum.accumulate(np.where(boarded, q[:, None], -1), axis=0)
    arr = pattern.arr_pad[cur, (q + 1)[:, None]]  # arrival at position q + 1
    alight = stops[1:]
    trips = pattern.trips_pad[cur]
    if len(np.unique(alight)) == len(alight):
        _keep_better(labels, k, (alight, rows), arr, trips, bpos, q + 1)
        return
    for i in range(len(alight)):  # a stop visited twice: one position after the other
        one = slice(i, i + 1)
        _keep_better(labels, k, (alight[one], rows), arr[one], trips[one], bpos[one], q[one] + 1)


def _keep_better(
    labels: Labels,
    k: int,
    where: tuple[IntArray, IntArray | None],
    arr: FloatArray,
    trip: IntArray,
    bpos: IntArray,
    apos: IntArray,
) -> None:
    """Where ``arr`` (positions × rows) beats round ``k``'s label at ``where`` (stops, and rows
    or every row), take it."""
    stops, rows = where
    at: IntArray | tuple[IntArray, ...] = stops if rows is None else np.ix_(stops, rows)
    old = labels.best[k][at]
    better = arr < old
    if not better.any():
        return
    labels.best[k][at] = np.where(better, arr, old)
    labels.trip[k][at] = np.where(better, trip, labels.trip[k][at])
    labels.board_pos[k][at] = np.where(better, bpos, labels.board_pos[k][at])
    labels.alight_pos[k][at] = np.where(better, apos[:, None], labels.alight_pos[k][at])
