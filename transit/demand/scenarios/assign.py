"""Re-route riders on a scenario's timetable: the least generalized-cost journey of each rider.

A rider asks to travel from an origin stop to a destination stop on a date, leaving around a
requested time (``desired_lo_s``–``desired_hi_s``: one instant for an observed ride, a time band
for an OD cell). A journey walks from the origin to a stop within the walking distance, rides one
to ``max_transfers + 1`` buses (walking at most once between two buses and allowing the minimum
transfer time), and walks from the last stop to the destination. It counts when the rider leaves
the origin within ``[desired_lo − before, desired_hi + after]`` and arrives within
``max_journey_min``. Its generalized cost (minutes) is::

    journey time (arrival − departure: riding, waiting at transfers, walking)
    + wait_weight × origin shift (minutes between the requested and the chosen departure)
    + transfer_penalty × transfers

Every bus a rider could first board in the window is a *row* of the search (:mod:`.raptor`);
riders sharing a first boarding share the row, rows are searched in batches of departures close
in time, and each rider takes the cheapest (row, transfers, last stop) combination. Riders are
grouped by the set of services running on their date, so one search serves all days alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from transit.demand.scenarios import raptor
from transit.demand.scenarios.params import SearchParams
from transit.demand.scenarios.timetable import (
    KEY_SCALE,
    FloatArray,
    IntArray,
    Network,
    Timetable,
    service_sets,
)

log = logging.getLogger(__name__)

#: Columns of a rider table (see :mod:`.riders`).
RIDER_COLUMNS = (
    "rider_id",
    "date",
    "origin_stop_id",
    "destination_stop_id",
    "desired_lo_s",
    "desired_hi_s",
    "weight",
)

#: Columns of the journey table returned by :func:`assign_riders` (times in s, durations in min).
JOURNEY_COLUMNS = (
    "rider_id",
    "status",
    "depart_s",
    "arrive_s",
    "journey_min",
    "shift_min",
    "wait_min",
    "in_vehicle_min",
    "walk_min",
    "transfer_wait_min",
    "transfers",
    "gen_cost_min",
    "routes",
    "first_trip_id",
)

#: Columns of the leg table (one row per bus ridden).
LEG_COLUMNS = (
    "rider_id",
    "leg",
    "trip_id",
    "route_id",
    "board_stop_id",
    "alight_stop_id",
    "board_s",
    "alight_s",
    "km",
)

DEFAULT_BATCH = 2048

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Assignment:
    """Journeys (one row per rider, :data:`JOURNEY_COLUMNS`; ``status`` ``kept`` or ``lost``)
    and legs (:data:`LEG_COLUMNS`) of the kept riders."""

    journeys: pd.DataFrame
    legs: pd.DataFrame


def assign_riders(
    network: Network,
    riders: pd.DataFrame,
    *,
    params: SearchParams,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> Assignment:
    """The least generalized-cost journey of every rider of ``riders`` (:data:`RIDER_COLUMNS`).

    ``progress`` is called with (riders done, riders in all) after each group of service days.
    Returns an :class:`Assignment` in rider order; a rider with no journey within the
    tolerances (or an unknown stop) is ``lost`` with empty journey fields.
    """
    riders = riders.reset_index(drop=True)
    sets = service_sets(network.service_dates, riders["date"])
    found: list[pd.DataFrame] = []
    legs: list[pd.DataFrame] = []
    done = 0
    for services, group in riders.groupby(sets, sort=True):
        if services:
            tt = network.timetable(services)
            j, lg = _assign_group(network, tt, group.reset_index(drop=True), params, batch)
            found.append(j)
            legs.append(lg)
        done += len(group)
        if progress is not None:
            progress(done, len(riders))
    return _finish(riders, found, legs)


def _assign_group(
    network: Network, tt: Timetable, riders: pd.DataFrame, params: SearchParams, batch: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Journeys and legs of riders whose dates all run the services of ``tt``."""
    index = network.stop_index
    origin = riders["origin_stop_id"].map(index)
    dest = riders["destination_stop_id"].map(index)
    ok = (origin.notna() & dest.notna()).to_numpy()
    known = riders[ok].reset_index(drop=True)
    o = np.asarray(origin[ok], dtype=np.int64)
    d = np.asarray(dest[ok], dtype=np.int64)
    cands = _candidates(network, tt, known, o, params)
    if cands.empty:
        return _empty_journeys(), _empty_legs()
    rows, cands["row"] = np.unique(cands["event"].to_numpy(), return_inverse=True)
    order = np.argsort(tt.ev_dep[rows], kind="stable")  # batches of nearby departures
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = np.arange(len(rows))
    cands["row"] = rank[cands["row"].to_numpy()]
    rows = rows[order]
    d_pos, d_stop, d_walk = network.walks.near(d)
    d_offsets = np.searchsorted(d_pos, np.arange(len(d) + 1))
    best: list[pd.DataFrame] = []
    leg_parts: list[pd.DataFrame] = []
    by_batch = cands.groupby(cands["row"].to_numpy() // batch, sort=True)
    for b, part in by_batch:
        lo = int(str(b)) * batch
        batch_rows = rows[lo : lo + batch]
        labels = raptor.search(
            tt,
            network.walks,
            tt.ev_trip[batch_rows],
            batch_rows - tt.offsets[tt.ev_trip[batch_rows]],
            rounds=params.max_transfers + 1,
            min_transfer_s=params.min_transfer_min * 60.0,
        )
        win = _choose(part, lo, labels, (d_offsets, d_stop, d_walk), params)
        if win.empty:
            continue
        legs = _legs(tt, labels, win, lo)
        best.append(_journeys(network, tt, win, legs, params))
        leg_parts.append(legs)
    if not best:
        return _empty_journeys(), _empty_legs()
    journeys, legs = _best_of_batches(best, leg_parts)
    ids = known["rider_id"].astype(str).to_numpy()
    journeys.insert(0, "rider_id", ids[journeys.pop("rider").to_numpy()])
    legs["rider_id"] = ids[legs["rider"].to_numpy()]
    return journeys, legs[list(LEG_COLUMNS)]


def _candidates(
    network: Network, tt: Timetable, riders: pd.DataFrame, origin: IntArray, params: SearchParams
) -> pd.DataFrame:
    """Every (rider, first boarding event) in the departure window: ``rider`` (position),
    ``event``, ``depart`` (leaving the origin, s), ``walk0`` (s), ``shift`` (s, signed)."""
    pos, stop, walk = network.walks.near(origin)
    lo = riders["desired_lo_s"].to_numpy(dtype=float)
    hi = riders["desired_hi_s"].to_numpy(dtype=float)
    w_lo = lo[pos] - params.depart_before_min * 60.0 + walk
    w_hi = hi[pos] + params.depart_after_min * 60.0 + walk
    a = np.searchsorted(tt.board_keys, stop * KEY_SCALE + w_lo, side="left")
    b = np.searchsorted(tt.board_keys, stop * KEY_SCALE + w_hi, side="right")
    counts = np.maximum(b - a, 0)
    pair = np.repeat(np.arange(len(pos)), counts)
    within = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    event = tt.board_event[np.repeat(a, counts) + within]
    rider = pos[pair]
    depart = tt.ev_dep[event] - walk[pair]
    shift = np.where(depart < lo[rider], depart - lo[rider], np.maximum(depart - hi[rider], 0.0))
    return pd.DataFrame(
        {"rider": rider, "event": event, "depart": depart, "walk0": walk[pair], "shift": shift}
    )


def _choose(
    cands: pd.DataFrame,
    row0: int,
    labels: raptor.Labels,
    dests: tuple[IntArray, IntArray, FloatArray],
    params: SearchParams,
    *,
    chunk: int = 1 << 20,
) -> pd.DataFrame:
    """Per rider of ``cands`` (sorted by rider) the cheapest (row, round, last stop):
    ``rider``, ``row`` (local), ``k``, ``stop``, ``walk1``, ``depart``, ``walk0``, ``shift``,
    ``arrive``, ``gc`` (s). Ties go to fewer transfers, then to the earlier candidate."""
    d_offsets = dests[0]
    counts = d_offsets[cands["rider"].to_numpy() + 1] - d_offsets[cands["rider"].to_numpy()]
    ends = np.cumsum(counts)
    parts: list[pd.DataFrame] = []
    lo = 0
    while lo < len(cands):  # chunks of about ``chunk`` (candidate, last stop) pairs
        hi = max(lo + 1, int(np.searchsorted(ends, ends[lo] - counts[lo] + chunk, side="right")))
        parts.append(_choose_chunk(cands.iloc[lo:hi], row0, labels, dests, params))
        lo = hi
    win = pd.concat(parts, ignore_index=True)
    if len(parts) > 1:  # a rider split over two chunks keeps the cheaper
        win = win.sort_values(["rider", "gc"], kind="stable").drop_duplicates("rider")
    return win.reset_index(drop=True)


def _choose_chunk(
    cands: pd.DataFrame,
    row0: int,
    labels: raptor.Labels,
    dests: tuple[IntArray, IntArray, FloatArray],
    params: SearchParams,
) -> pd.DataFrame:
    d_offsets, d_stop, d_walk = dests
    rider = cands["rider"].to_numpy()
    counts = d_offsets[rider + 1] - d_offsets[rider]
    c = np.repeat(np.arange(len(cands)), counts)
    within = np.arange(len(c)) - np.repeat(np.cumsum(counts) - counts, counts)
    link = np.repeat(d_offsets[rider], counts) + within
    stop, walk1 = d_stop[link], d_walk[link]
    row = cands["row"].to_numpy()[c] - row0
    depart = cands["depart"].to_numpy()[c]
    base = params.wait_weight * np.abs(cands["shift"].to_numpy()[c]) - depart
    gc = np.full(len(c), np.inf)
    arrive = np.full(len(c), np.inf)
    k_best = np.zeros(len(c), dtype=np.int64)
    longest = params.max_journey_min * 60.0
    for k in range(labels.best.shape[0]):
        a = labels.best[k, stop, row] + walk1
        g = a + base + k * params.transfer_penalty_min * 60.0
        better = (a - depart <= longest) & (g < gc)
        gc = np.where(better, g, gc)
        arrive = np.where(better, a, arrive)
        k_best = np.where(better, k, k_best)
    who = rider[c]
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if len(who) else np.zeros(0, int)
    seg_min = np.minimum.reduceat(gc, starts) if len(who) else np.zeros(0)
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(who)]))
    hit = np.flatnonzero((gc == seg_min[seg]) & np.isfinite(gc))
    _, first = np.unique(seg[hit], return_index=True)
    m = hit[first]
    return pd.DataFrame(
        {
            "rider": who[m],
            "row": row[m],
            "k": k_best[m],
            "stop": stop[m],
            "walk1": walk1[m],
            "depart": depart[m],
            "walk0": cands["walk0"].to_numpy()[c[m]],
            "shift": cands["shift"].to_numpy()[c[m]],
            "arrive": arrive[m],
            "gc": gc[m],
        }
    )


def _legs(tt: Timetable, labels: raptor.Labels, win: pd.DataFrame, row0: int) -> pd.DataFrame:
    """The legs of the chosen journeys, read back from the labels' parents (``win``: row of
    ``win``, ``leg`` from 1, ``trip``, ``bpos``, ``apos``, ``walk_from``: the stop alighted before walking to this
    leg's boarding stop, -1 for the first leg)."""
    r = win["row"].to_numpy(dtype=np.int64)
    s = win["stop"].to_numpy(dtype=np.int64)
    k = win["k"].to_numpy(dtype=np.int64)
    who = np.arange(len(win))
    out: list[pd.DataFrame] = []
    step = 0
    while len(who):
        for _ in range(labels.best.shape[0]):
            carried = labels.trip[k, s, r] == raptor.CARRIED
            k = np.where(carried, k - 1, k)
        t = labels.trip[k, s, r].astype(np.int64)
        bpos = labels.board_pos[k, s, r].astype(np.int64)
        board_stop = tt.ev_stop[tt.offsets[t] + bpos]
        more = k > 0
        came = np.full(len(who), -1, dtype=np.int64)
        came[more] = labels.walk_from[k[more] - 1, board_stop[more], r[more]]
        out.append(
            pd.DataFrame(
                {
                    "win": who,
                    "step": step,
                    "trip": t,
                    "bpos": bpos,
                    "apos": labels.alight_pos[k, s, r].astype(np.int64),
                    "walk_from": came,
                }
            )
        )
        who, r, s, k = who[more], r[more], came[more], k[more] - 1
        step += 1
    legs = pd.concat(out, ignore_index=True)
    legs["leg"] = legs.groupby("win")["step"].transform("max") - legs["step"] + 1
    return legs.sort_values(["win", "leg"]).drop(columns="step").reset_index(drop=True)


def _journeys(
    network: Network, tt: Timetable, win: pd.DataFrame, legs: pd.DataFrame, params: SearchParams
) -> pd.DataFrame:
    """Journey rows of the chosen combinations: ``rider`` (position) and the named fields of
    :data:`JOURNEY_COLUMNS` (but ``rider_id`` and ``status``); names the legs' columns."""
    ev_b = tt.offsets[legs["trip"].to_numpy()] + legs["bpos"].to_numpy()
    ev_a = tt.offsets[legs["trip"].to_numpy()] + legs["apos"].to_numpy()
    board_stop = tt.ev_stop[ev_b]
    came = legs["walk_from"].to_numpy()
    walked = np.where(came >= 0, network.walks.between(np.maximum(came, 0), board_stop), 0.0)
    stops = np.array(tt.stop_ids, dtype=object)
    legs["trip_id"] = tt.trip_ids[legs["trip"].to_numpy()]
    legs["route_id"] = tt.route_ids[legs["trip"].to_numpy()]
    legs["board_stop_id"] = stops[board_stop]
    legs["alight_stop_id"] = stops[tt.ev_stop[ev_a]]
    legs["board_s"] = tt.ev_dep[ev_b]
    legs["alight_s"] = tt.ev_arr[ev_a]
    legs["km"] = tt.ev_km[ev_a] - tt.ev_km[ev_b]
    legs["rider"] = win["rider"].to_numpy()[legs["win"].to_numpy()]
    per = _per_journey(legs, walked, len(win))
    journey = win["arrive"].to_numpy() - win["depart"].to_numpy()
    ride = per["ride"]
    walk = win["walk0"].to_numpy() + win["walk1"].to_numpy() + per["walked"]
    transfers = per["n"] - 1
    shift = win["shift"].to_numpy()
    return pd.DataFrame(
        {
            "rider": win["rider"].to_numpy(),
            "depart_s": win["depart"].to_numpy(),
            "arrive_s": win["arrive"].to_numpy(),
            "journey_min": journey / 60.0,
            "shift_min": shift / 60.0,
            "wait_min": np.abs(shift) / 60.0,
            "in_vehicle_min": ride / 60.0,
            "walk_min": walk / 60.0,
            "transfer_wait_min": (journey - ride - walk) / 60.0,
            "transfers": transfers,
            "gen_cost_min": (
                journey
                + params.wait_weight * np.abs(shift)
                + transfers * params.transfer_penalty_min * 60.0
            )
            / 60.0,
            "routes": per["routes"],
            "first_trip_id": per["first_trip_id"],
        }
    )


def _per_journey(legs: pd.DataFrame, walked: FloatArray, n: int) -> dict[str, npt.NDArray[Any]]:
    """Sums over each journey's legs (``legs`` sorted by ``win`` then ``leg``): ``ride`` and
    ``walked`` (s), ``n`` (legs), ``routes`` (``R1>R2``), ``first_trip_id``."""
    w = legs["win"].to_numpy()
    ride = np.bincount(w, weights=legs["alight_s"] - legs["board_s"], minlength=n)
    walk = np.bincount(w, weights=walked, minlength=n)
    count = np.bincount(w, minlength=n)
    routes = np.full(n, "", dtype=object)
    first = np.full(n, "", dtype=object)
    route_ids = legs["route_id"].to_numpy(dtype=object)
    for leg in range(1, int(legs["leg"].max()) + 1 if len(legs) else 1):
        at = (legs["leg"] == leg).to_numpy()
        if leg == 1:
            routes[w[at]] = route_ids[at]
            first[w[at]] = legs["trip_id"].to_numpy(dtype=object)[at]
        else:
            routes[w[at]] = routes[w[at]] + ">" + route_ids[at]
    return {"ride": ride, "walked": walk, "n": count, "routes": routes, "first_trip_id": first}


def _best_of_batches(
    best: list[pd.DataFrame], legs: list[pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per rider the cheapest journey over the batches (the first batch on ties), with its legs."""
    for i, (j, lg) in enumerate(zip(best, legs, strict=True)):
        j["batch"] = i
        lg["batch"] = i
    journeys = pd.concat(best, ignore_index=True)
    journeys = journeys.sort_values(["rider", "gen_cost_min", "batch"], kind="stable")
    journeys = journeys.drop_duplicates("rider")
    all_legs = pd.concat(legs, ignore_index=True)
    keep = all_legs.merge(journeys[["rider", "batch"]], on=["rider", "batch"], how="inner")
    return journeys.drop(columns="batch"), keep.drop(columns="batch")


def _finish(
    riders: pd.DataFrame, found: list[pd.DataFrame], legs: list[pd.DataFrame]
) -> Assignment:
    """Journeys in rider order (lost riders with empty fields) and legs of the kept riders."""
    j = pd.concat([_empty_journeys(), *found], ignore_index=True).drop(columns="status")
    out = pd.DataFrame({"rider_id": riders["rider_id"].astype(str).to_numpy()})
    out = out.merge(j, on="rider_id", how="left")
    out["status"] = np.where(out["depart_s"].notna(), "kept", "lost")
    for col in JOURNEY_COLUMNS[2:-2]:
        out[col] = out[col].astype(float)
    out["transfers"] = out["transfers"].astype("Int64")
    lg = pd.concat([_empty_legs(), *legs], ignore_index=True)
    lg = lg.sort_values(["rider_id", "leg"], kind="stable").reset_index(drop=True)
    lg["leg"] = lg["leg"].astype("int64")
    for col in ("board_s", "alight_s", "km"):
        lg[col] = lg[col].astype(float)
    return Assignment(out[list(JOURNEY_COLUMNS)], lg)


def _empty_journeys() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in JOURNEY_COLUMNS})


def _empty_legs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in LEG_COLUMNS})
