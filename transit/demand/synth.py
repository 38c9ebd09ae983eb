"""Synthetic IC card taps consistent with a feed's timetable (for the demo, tests, benchmarks).

Riders board scheduled trip runs (trip × service date) with a time-of-day profile (morning and
evening peaks) and day-type factors (平日 1.0, 土曜 0.6, 日祝 0.45: ``demand.synth.*`` of the
assumptions table), ride between two stops of
the trip, and a share of them transfer within the hour at their alighting stop. A card makes at
most one journey per day, so rides of one card never overlap. A share of the rides carry only a
vehicle id (no trip id), and a share of the rows can be corrupted on purpose (each kind listed in
:data:`CORRUPTIONS`). Everything is drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from transit.core import provenance as prov
from transit.core.assumptions import from_table, value
from transit.core.errors import InputError
from transit.core.fileio import atomic_write_with
from transit.demand.records import day_type_of
from transit.demand.schedule import Schedule, trip_runs

#: Kinds of corrupt row the generator makes (cycled), named by the reject reason they cause.
CORRUPTIONS = (
    "missing_card_id",
    "bad_timestamp",
    "bad_event",
    "unknown_stop",
    "unknown_trip",
    "no_trip_or_vehicle",
    "bad_fare",
    "alight_without_board",
    "duplicate_tap",
)


@dataclass(frozen=True)
class SynthOptions:
    """Options of :func:`synth_taps`.

    ``start``: first service date (default: the feed's first service date); ``days``: number of
    days; ``transfer_share``: share of rides that are the second leg of a journey;
    ``vehicle_only_share``: share of rides whose taps carry a vehicle id but no trip id;
    ``corrupt_share``: share of rows corrupted on purpose.
    """

    start: dt.date | None = None
    days: int = 28
    transfer_share: float = from_table("demand.synth.transfer_share")
    vehicle_only_share: float = from_table("demand.synth.vehicle_only_share")
    corrupt_share: float = 0.0


def _hour_profile(start_s: np.ndarray) -> np.ndarray:
    """Weight of a trip run by its first departure (``demand.synth.hour_profile`` of the
    assumptions table: a base plus a morning and an evening Gaussian peak)."""
    p = value("demand.synth.hour_profile")
    h = (start_s / 3600.0) % 24
    morning = np.exp(-0.5 * ((h - p["morning_h"]) / p["morning_sd_h"]) ** 2)
    evening = np.exp(-0.5 * ((h - p["evening_h"]) / p["evening_sd_h"]) ** 2)
    return np.asarray(p["base"] + p["morning_weight"] * morning + p["evening_weight"] * evening)


def card_id_of(numbers: np.ndarray) -> np.ndarray:
    """Raw card ids (``JE`` + 14 digits) of card numbers (a bijection)."""
    scrambled = (numbers.astype("int64") * 7919 + 104729) % 10**14
    if not len(scrambled):
        return np.zeros(0, dtype="<U16")
    return np.char.add("JE", np.char.zfill(scrambled.astype(str), 14))


def synth_taps(
    schedule: Schedule, *, rows: int, seed: int, options: SynthOptions | None = None
) -> pa.Table:
    """Generate ``rows`` tap rows (exactly) for the trips of ``schedule``.

    Returns an Arrow table with ``card_id`` (raw ids, ``JE…``), ``ts`` (text,
    ``YYYY-MM-DD HH:MM:SS``), ``event`` (``board``/``alight``), ``stop_id``, ``trip_id``,
    ``vehicle_id``, ``fare_yen`` (on alighting taps: 150 + 10 yen per km, rounded), sorted by
    time.
    """
    opts = options or SynthOptions()
    if rows < 0 or rows == 1:
        raise InputError(f"--rows must be 0 or at least 2 (a ride is two taps), got {rows}")
    rng = np.random.default_rng(seed)
    runs, first = _runs_in_window(schedule, opts)
    n_corrupt = round(rows * opts.corrupt_share)
    n_dup = n_corrupt // len(CORRUPTIONS) if n_corrupt else 0
    n_rides = (rows - n_dup) // 2
    n_dup = rows - 2 * n_rides
    tt = _timetable(schedule, runs)
    rides = _draw_rides(tt, rng, n_rides=n_rides, transfer_share=opts.transfer_share, first=first)
    table = _tap_table(tt, rng, rides, vehicle_only_share=opts.vehicle_only_share)
    if n_corrupt or n_dup:
        table = _corrupt(table, max(0, n_corrupt - n_dup), n_dup, rng)
    return table


def _runs_in_window(schedule: Schedule, opts: SynthOptions) -> tuple[pd.DataFrame, dt.date]:
    """The trip runs of the ``opts.days`` service days from ``opts.start`` (default: the first
    service date), and that first day; raises :class:`InputError` when there are none."""
    runs = trip_runs(schedule)
    if runs.empty:
        raise InputError("the feed has no trip running on any date (check calendar.txt)")
    first = opts.start or pd.Timestamp(runs["date"].min()).date()
    last = first + dt.timedelta(days=opts.days - 1)
    dates = runs["date"].dt.date
    runs = runs[(dates >= first) & (dates <= last)].reset_index(drop=True)
    if runs.empty:
        raise InputError(f"no trip runs between {first} and {last}")
    return runs, first


@dataclass(frozen=True, eq=False)
class _Timetable:
    """Stop times as arrays sorted by trip (rows ``offsets[i]`` to ``offsets[i + 1]`` are trip
    ``i``'s), and the trip runs to draw rides from (``run_*``, ``p``: probability of each run)."""

    offsets: np.ndarray
    st_trip: np.ndarray
    arr_s: np.ndarray
    dep_s: np.ndarray
    dist: np.ndarray
    stop_ids: np.ndarray
    trip_ids: np.ndarray
    run_trip: np.ndarray
    run_date: np.ndarray
    n_stops: np.ndarray
    p: np.ndarray


def _timetable(schedule: Schedule, runs: pd.DataFrame) -> _Timetable:
    """The :class:`_Timetable` of ``runs``: a run's weight is the hour profile of its first
    departure times the factor of its day type (0 for trips of fewer than two stops)."""
    st = schedule.stop_times
    trips = schedule.trips.set_index("trip_id")
    t_index = {t: i for i, t in enumerate(trips.index)}
    offsets = np.zeros(len(trips) + 1, dtype="int64")
    st_trip = st["trip_id"].map(t_index).to_numpy()
    order = np.argsort(st_trip, kind="stable")
    st = st.iloc[order].reset_index(drop=True)
    st_trip = st_trip[order]
    np.add.at(offsets, st_trip + 1, 1)
    offsets = np.cumsum(offsets)
    run_trip = runs["trip_id"].map(t_index).to_numpy()
    n_stops = trips["n_stops"].to_numpy()[run_trip]
    day_types = np.array([day_type_of(d) for d in runs["date"].dt.date])
    factor = value("demand.synth.day_factors")
    w = _hour_profile(runs["start_s"].to_numpy()) * np.array([factor[d] for d in day_types])
    w = np.where(n_stops >= 2, w, 0.0)
    return _Timetable(
        offsets=offsets,
        st_trip=st_trip,
        arr_s=st["arr_s"].to_numpy(dtype="float64"),
        dep_s=st["dep_s"].to_numpy(dtype="float64"),
        dist=st["dist_km"].to_numpy(dtype="float64"),
        stop_ids=st["stop_id"].to_numpy(dtype=object),
        trip_ids=trips.index.to_numpy(dtype=object),
        run_trip=run_trip,
        run_date=runs["date"].to_numpy(dtype="datetime64[s]"),
        n_stops=n_stops,
        p=w / w.sum(),
    )


def _legs_on(
    tt: _Timetable, rng: np.random.Generator, run: np.ndarray, board: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Boarding and alighting positions of rides on ``run`` (boarding drawn unless given); a
    ride whose two stops are the same stop of a loop alights one stop earlier."""
    n = tt.n_stops[run]
    if board is None:
        board = np.floor(rng.random(len(run)) * (n - 1)).astype("int64")
    span = n - 1 - board
    alight = board + 1 + np.floor(rng.random(len(run)) * span).astype("int64")
    base = tt.offsets[tt.run_trip[run]]
    loop = (tt.stop_ids[base + board] == tt.stop_ids[base + alight]) & (alight - 1 > board)
    alight = np.where(loop, alight - 1, alight)
    return board, alight


def _draw_rides(
    tt: _Timetable, rng: np.random.Generator, *, n_rides: int, transfer_share: float, first: dt.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n_rides`` rides: first legs, second legs transferring from some of them, and extra
    first legs when a transfer found no departure. Returns the run, boarding and alighting
    positions and the card number of each ride."""
    n_transfer = round(n_rides * transfer_share / (1 + transfer_share))
    n_first = n_rides - n_transfer
    run1 = rng.choice(len(tt.p), size=n_first, p=tt.p)
    b1, a1 = _legs_on(tt, rng, run1)
    run2, b2, a2, parent = _second_legs(tt, rng, run1, a1, n_transfer=n_transfer)
    n_fill = n_transfer - len(run2)
    run3 = rng.choice(len(tt.p), size=n_fill, p=tt.p)
    b3, a3 = _legs_on(tt, rng, run3)
    run_all = np.concatenate([run1, run2, run3])
    # journeys: a second leg belongs to its first leg's journey
    journey = np.concatenate([np.arange(n_first), parent, n_first + np.arange(n_fill)])
    j_first = np.r_[np.ones(n_first, bool), np.zeros(len(run2), bool), np.ones(n_fill, bool)]
    card = _card_numbers(tt.run_date[run_all], journey, j_first, first=first)
    return run_all, np.concatenate([b1, b2, b3]), np.concatenate([a1, a2, a3]), card


def _second_legs(
    tt: _Timetable, rng: np.random.Generator, run1: np.ndarray, a1: np.ndarray, *, n_transfer: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Second legs of ``n_transfer`` first legs: the first departure from the alighting stop,
    on the same date, within the hour after the rider is ready (2–12 min after arriving). Returns the run, boarding
    and alighting positions and the first leg of each second leg that found a departure."""
    n_first = len(run1)
    pick = np.sort(
        rng.choice(n_first, size=min(n_transfer, n_first), replace=False).astype("int64")
        if n_first
        else np.zeros(0, dtype="int64")
    )
    if not len(pick):  # nobody transfers (no rows, or a transfer share of 0)
        none = np.zeros(0, dtype="int64")
        return none, none, none, none
    a_idx = tt.offsets[tt.run_trip[run1[pick]]] + a1[pick]
    left = pd.DataFrame(
        {
            "date": tt.run_date[run1[pick]],
            "stop_id": tt.stop_ids[a_idx],
            "t": (tt.arr_s[a_idx] + 120.0 + rng.random(len(pick)) * 600.0).astype("int64"),
            "leg": pick,
        }
    ).sort_values("t", kind="stable")
    joined = pd.merge_asof(
        left,
        _departures(tt)[["date", "stop_id", "t", "run", "seq_pos"]],
        on="t",
        by=["date", "stop_id"],
        direction="forward",
        tolerance=3600,
    ).dropna(subset=["run"])
    run2 = joined["run"].to_numpy(dtype="int64")
    b2 = joined["seq_pos"].to_numpy(dtype="int64") - tt.offsets[tt.run_trip[run2]]
    b2, a2 = _legs_on(tt, rng, run2, b2)
    return run2, b2, a2, joined["leg"].to_numpy(dtype="int64")


def _departures(tt: _Timetable) -> pd.DataFrame:
    """Every departure of every run but at its last stop: ``trip_i``, ``seq_pos`` (stop-time
    row), ``run``, ``date``, ``stop_id``, ``t`` (s), sorted by ``t``."""
    last_stop = np.r_[tt.st_trip[1:] != tt.st_trip[:-1], True]
    deps = pd.DataFrame({"trip_i": tt.st_trip, "seq_pos": np.arange(len(tt.st_trip))})
    deps = deps[~last_stop].merge(
        pd.DataFrame(
            {"trip_i": tt.run_trip, "run": np.arange(len(tt.run_trip)), "date": tt.run_date}
        ),
        on="trip_i",
    )
    deps["stop_id"] = tt.stop_ids[deps["seq_pos"].to_numpy()]
    deps["t"] = tt.dep_s[deps["seq_pos"].to_numpy()].astype("int64")
    out: pd.DataFrame = deps.sort_values("t", kind="stable")
    return out


def _card_numbers(
    jdate: np.ndarray, journey: np.ndarray, j_first: np.ndarray, *, first: dt.date
) -> np.ndarray:
    """Card numbers of rides (``jdate``: service date, ``journey``: journey index, ``j_first``:
    the rides that start a journey): journeys of one date get distinct cards (a bijection of
    the journey's rank that day)."""
    jd = pd.Series(jdate[j_first])
    rank_first = jd.groupby(jd).cumcount().to_numpy()
    per_day = jd.value_counts()
    pool = max(int(per_day.max() * 1.3) if len(per_day) else 1, 1)
    mult = 7 if math.gcd(7, pool) == 1 else 11 if math.gcd(11, pool) == 1 else 1
    day_no = ((jd.to_numpy() - np.datetime64(str(first))) // np.timedelta64(1, "D")).astype("int64")
    card_of_journey = ((rank_first * mult + day_no * 104729) % pool).astype("int64")
    return np.asarray(card_of_journey[journey])


def _tap_table(
    tt: _Timetable,
    rng: np.random.Generator,
    rides: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    vehicle_only_share: float,
) -> pa.Table:
    """The boarding and alighting taps of ``rides`` (see :func:`synth_taps`), sorted by time."""
    run_all, board_all, alight_all, card = rides
    tix = tt.run_trip[run_all]
    bpos = tt.offsets[tix] + board_all
    apos = tt.offsets[tix] + alight_all
    n = len(run_all)
    jdate = tt.run_date[run_all]
    bts = jdate + (tt.dep_s[bpos] - rng.random(n) * 60).astype("int64").astype("timedelta64[s]")
    ats = jdate + (tt.arr_s[apos] + rng.random(n) * 60).astype("int64").astype("timedelta64[s]")
    tariff = value("demand.synth.fare")
    fare = tariff["base_yen"] + tariff["yen_per_km"] * np.round(tt.dist[apos] - tt.dist[bpos])
    fare = fare.astype("int64")
    vehicle = np.char.add("V", (tix % 40 + 1).astype(str))
    no_trip = rng.random(n) < vehicle_only_share
    trip_col = np.where(no_trip, None, tt.trip_ids[tix])
    cards = card_id_of(card)
    ts = np.concatenate([bts, ats])
    order = np.argsort(ts, kind="stable")
    fare_yen = pa.array(np.concatenate([np.full(n, -1), fare])[order], pa.int64())
    return pa.table(
        {
            "card_id": pa.array(np.concatenate([cards, cards])[order]),
            "ts": pc.strftime(pa.array(ts[order]), "%Y-%m-%d %H:%M:%S"),
            "event": pa.array(np.repeat(np.array(["board", "alight"]), n)[order]),
            "stop_id": pa.array(
                np.concatenate([tt.stop_ids[bpos], tt.stop_ids[apos]])[order], pa.string()
            ),
            "trip_id": pa.array(np.concatenate([trip_col, trip_col])[order], pa.string()),
            "vehicle_id": pa.array(np.concatenate([vehicle, vehicle])[order]),
            # no fare on boarding taps
            "fare_yen": pc.if_else(pc.equal(fare_yen, -1), pa.scalar(None, pa.int64()), fare_yen),
        }
    )


def _corrupt(table: pa.Table, n_mutate: int, n_dup: int, rng: np.random.Generator) -> pa.Table:
    n = table.num_rows
    kinds = [k for k in CORRUPTIONS if k != "duplicate_tap"]
    idx = rng.choice(n, size=min(n_mutate, n), replace=False)
    kind_of = np.full(n, -1)
    kind_of[idx] = np.arange(len(idx)) % len(kinds)
    cols = {name: table.column(name).combine_chunks() for name in table.column_names}

    def put(col: str, kind: str, value: object) -> None:
        mask = pa.array(kind_of == kinds.index(kind))
        arr = cols[col]
        cols[col] = pc.if_else(mask, pa.scalar(value, arr.type), arr)

    put("card_id", "missing_card_id", None)
    put("ts", "bad_timestamp", "2026-13-45 25:61:00")
    put("event", "bad_event", "x")
    put("stop_id", "unknown_stop", "ZZ999")
    put("trip_id", "unknown_trip", "NO_SUCH_TRIP")
    put("trip_id", "no_trip_or_vehicle", None)
    put("vehicle_id", "no_trip_or_vehicle", None)
    put("fare_yen", "bad_fare", -50)
    # a boarding tap turned into an alighting one (or an alighting one repeated)
    put("event", "alight_without_board", "alight")
    out = pa.table(cols)
    if n_dup:
        dup = out.take(pa.array(np.sort(rng.choice(n, size=n_dup, replace=n_dup > n))))
        out = pa.concat_tables([out, dup])
        ts = out.column("ts")
        order = pc.sort_indices(ts.fill_null(""))
        out = out.take(order)
    return out


def write_taps(
    table: pa.Table,
    path: Path,
    *,
    feed: Path | None = None,
    parameters: Sequence[Any] = (),
) -> Path:
    """Write taps as CSV (UTF-8, header) or Parquet, by the file suffix, atomically, and a
    ``provenance.json`` beside them flagging them ``synthetic_taps`` (made from ``feed`` with
    ``parameters``, when given), so whatever is made from them is flagged too; returns the
    path."""
    if path.suffix.lower() == ".parquet":
        atomic_write_with(path, lambda tmp: pq.write_table(table, tmp))
    else:
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        atomic_write_with(path, lambda tmp: pacsv.write_csv(table, tmp, options))
    prov.write_provenance(
        "合成した乗降データ / synthetic IC card taps",
        inputs=[("feed", feed)] if feed is not None else [],
        parameters=parameters,
        outputs=[path],
        flags=["synthetic_taps"],
    )
    return path
