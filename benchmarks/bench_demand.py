"""Ridership benchmark: ingest + report of N synthetic IC taps, against an idiomatic pandas
implementation of the same ingest and KPIs whose results must equal ours.

Usage: ``python benchmarks/bench_demand.py --out DIR [--rows N] [--feed FEED]`` (default 10
million taps on the Cairns feed of the external data, else on a small generated feed). Writes
``DIR/demand.json`` with ``rows``, ``ingest_s``, ``report_s``, ``peak_mb`` (ours: peak resident
memory, VmHWM, of the process doing ingest + report), ``pandas_baseline_s`` (pandas ingest +
KPIs), ``pandas_peak_mb``, ``speedup`` and ``results_equal``. Each side runs in its own process
(peaks were once read from ``ru_maxrss``, which on Linux inherits the driver's peak across
fork + exec: the driver holds the synthesized taps, so both peaks were overstated).
Targets on 2 cores: ingest + report <= 60 s, peak <= 2 GB, >= 3x faster than pandas.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

KEY = b"benchmark-key-0123456789"
TOL_SCHEDULE = 30 * 60.0
TOL_MATCH = 10 * 60.0
MAX_RIDE = 180 * 60.0


def _peak_mb() -> float:
    """Peak resident memory of this process (MB): ``VmHWM`` of /proc/self/status.

    Not ``ru_maxrss``: on Linux it carries over across fork + exec, so a side process would
    report the driver's peak (which held all synthesized taps) instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- ours


def run_ours(taps: Path, feed: Path, work: Path) -> dict[str, object]:
    from transit.demand.ingest import ingest_files
    from transit.demand.report import ReportOptions, build_report, compute_report_tables
    from transit.demand.schedule import read_schedule
    from transit.demand.store.options import IngestOptions

    schedule = read_schedule(feed)
    t0 = time.perf_counter()
    opts = IngestOptions()  # default memory limit; spills pseudonymized tables when needed
    (s,) = ingest_files([taps], store=work / "store", key=KEY, schedule=schedule, options=opts)
    t1 = time.perf_counter()
    build_report(work / "store", work / "report", options=ReportOptions(max_route_charts=4))
    t2 = time.perf_counter()
    routes = compute_report_tables(work / "store").routes
    return {
        "ingest_s": t1 - t0,
        "report_s": t2 - t1,
        "peak_mb": _peak_mb(),
        "accepted": s.accepted,
        "rejected_by_reason": s.rejected_by_reason,
        "routes": routes[
            ["route_id", "boardings", "alightings", "pax_km", "max_load", "vehicle_km"]
        ]
        .sort_values("route_id")
        .to_dict("list"),
    }


# --------------------------------------------------------------------------- pandas baseline


def run_pandas(taps: Path, feed: Path) -> dict[str, object]:
    """Idiomatic pandas: read_csv (pyarrow engine), vectorized merges and groupbys, no loops
    over rows; the same rules as the library's ingest and the same route KPIs (over all days:
    day types are part of ours only)."""
    from transit.demand.schedule import read_schedule, trip_runs

    schedule = read_schedule(feed)
    st = schedule.stop_times
    trips = schedule.trips
    runs = trip_runs(schedule)[["trip_id", "date"]]
    t0 = time.perf_counter()
    df = pd.read_csv(taps, engine="pyarrow", dtype=str)
    tv, reason_k = _pd_row_checks(df, schedule)
    tv = _pd_trip_checks(tv, st, runs, reason_k)
    rides = _pd_pair(tv, reason_k)
    rides = _pd_match_vehicles(rides, st, runs, trips)
    rides = _pd_ride_checks(rides, st, reason_k)
    by_reason = reason_k[reason_k != ""].value_counts().sort_index()
    routes = _pd_route_kpis(rides, schedule)
    elapsed = time.perf_counter() - t0
    return {
        "pandas_baseline_s": elapsed,
        "pandas_peak_mb": _peak_mb(),
        "accepted": int(2 * len(rides)),
        "rejected_by_reason": {str(k): int(v) for k, v in by_reason.items()},
        "routes": {
            "route_id": routes["route_id"].tolist(),
            "boardings": routes["boardings"].astype("int64").tolist(),
            "alightings": routes["alightings"].astype("int64").tolist(),
            "pax_km": routes["pax_km"].tolist(),
            "max_load": routes["max_load"].astype("int64").tolist(),
            "vehicle_km": routes["vehicle_km"].tolist(),
        },
    }


def _pd_row_checks(df: pd.DataFrame, schedule: Any) -> tuple[pd.DataFrame, pd.Series]:
    """Pseudonyms and the checks of single rows: the valid taps (``k``, ``card``, ids, ``ts``,
    ``ev``, ``fare``, ``date0``, ``secs0``) and the reason of every row by ``k``."""
    from transit.demand.records import EVENTS

    trips = schedule.trips
    df["k"] = np.arange(1, len(df) + 1)
    codes, uniques = pd.factorize(df["card_id"].str.strip())
    hashed = np.array(
        [hmac.new(KEY, u.encode(), hashlib.sha256).hexdigest()[:20] for u in uniques], dtype=object
    )
    card = pd.Series(np.where(codes >= 0, hashed[np.maximum(codes, 0)], None), index=df.index)
    df = df.drop(columns=["card_id"]).assign(card=card)
    ts = pd.to_datetime(df["ts"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    ev = df["event"].str.strip().str.lower().map(EVENTS)
    stop_ok = df["stop_id"].isin(set(schedule.stops["stop_id"]))
    trip_given = df["trip_id"].notna()
    trip_ok = df["trip_id"].isin(set(trips["trip_id"]))
    fare = pd.to_numeric(df["fare_yen"], errors="coerce")
    fare_bad = df["fare_yen"].notna() & (fare.isna() | (fare < 0))
    reason = pd.Series(
        np.select(
            [
                df["card"].isna(),
                ts.isna(),
                ev.isna(),
                ~stop_ok,
                ~trip_given & df["vehicle_id"].isna(),
                trip_given & ~trip_ok,
                fare_bad,
            ],
            [
                "missing_card_id",
                "bad_timestamp",
                "bad_event",
                "unknown_stop",
                "no_trip_or_vehicle",
                "unknown_trip",
                "bad_fare",
            ],
            default="",
        ),
        index=df.index,
    )
    tv = df.loc[reason == "", ["k", "card", "stop_id", "trip_id", "vehicle_id"]].copy()
    tv["ts"] = ts[reason == ""]
    tv["ev"] = ev[reason == ""].astype("int8")
    tv["fare"] = fare[reason == ""]
    tv["date0"] = tv["ts"].dt.normalize()
    tv["secs0"] = (tv["ts"] - tv["date0"]).dt.total_seconds()
    reason_k = pd.Series(reason.to_numpy(), index=df["k"].to_numpy())
    return tv, reason_k


def _pd_trip_checks(
    tv: pd.DataFrame, st: pd.DataFrame, runs: pd.DataFrame, reason_k: pd.Series
) -> pd.DataFrame:
    """Taps with a trip id against the schedule, then duplicates (``reason_k`` updated)."""
    # trip taps: nearest running scheduled time at that stop, on the date or the day before
    tt = tv.loc[tv["trip_id"].notna(), ["k", "trip_id", "stop_id", "ev", "date0", "secs0"]]
    cand = tt.merge(st[["trip_id", "stop_id", "seq", "arr_s", "dep_s"]], on=["trip_id", "stop_id"])
    cand = pd.concat([cand.assign(c=0), cand.assign(c=1)], ignore_index=True)
    cand["date"] = cand["date0"] - pd.to_timedelta(cand["c"], unit="D")
    cand = cand.merge(runs.assign(running=True), on=["trip_id", "date"], how="left")
    cand["running"] = cand["running"].fillna(False).astype(bool)
    sched = np.where(cand["ev"] == 1, cand["dep_s"], cand["arr_s"])
    cand["gap"] = np.abs(sched - (cand["secs0"] + 86400 * cand["c"]))
    ok = cand["running"] & (cand["gap"] <= TOL_SCHEDULE)
    cand["score"] = cand["gap"] + np.where(ok, 0, 1e9)
    cand["good"], cand["near"] = ok, cand["gap"] <= TOL_SCHEDULE
    best = cand.sort_values(["k", "score"], kind="stable").drop_duplicates("k")
    flags = cand.groupby("k")[["good", "near"]].any()
    best = best.set_index("k").join(flags, rsuffix="_any")
    tr = pd.Series("", index=tt["k"].to_numpy())
    tr[~tr.index.isin(best.index)] = "stop_not_on_trip"
    bad = best[~best["good_any"]]
    tr[bad.index] = np.where(bad["near_any"], "trip_not_running", "time_far_from_schedule")
    rej = tr[tr != ""]
    reason_k[rej.index] = rej.to_numpy()
    tv = tv[~tv["k"].isin(rej.index)]
    tv = tv.merge(best[["seq", "c"]], left_on="k", right_index=True, how="left")
    dup = tv.duplicated(["card", "ts", "ev", "stop_id"], keep="first")
    reason_k[tv.loc[dup, "k"].to_numpy()] = "duplicate_tap"
    return tv[~dup]


def _pd_pair(tv: pd.DataFrame, reason_k: pd.Series) -> pd.DataFrame:
    """Rides (``bk``, ``ak``, trip, stops, positions, ``date``, ``b_secs``, ``a_secs``) and
    the reasons of unpaired taps (``reason_k`` updated)."""
    # pairing: each boarding with the card's next tap when it alights from the same trip/vehicle
    tv["pk"] = np.where(
        tv["trip_id"].notna(), "t" + tv["trip_id"].astype(str), "v" + tv["vehicle_id"].astype(str)
    )
    tv = tv.sort_values(["card", "ts", "ev", "k"], kind="stable").reset_index(drop=True)
    same_prev = tv["card"].eq(tv["card"].shift())
    same_next = tv["card"].eq(tv["card"].shift(-1))
    p_ok = (
        same_prev
        & (tv["ev"] == 2)
        & (tv["ev"].shift() == 1)
        & tv["pk"].eq(tv["pk"].shift())
        & ((tv["ts"] - tv["ts"].shift()).dt.total_seconds() <= 43200)
    )
    n_ok = p_ok.shift(-1, fill_value=False)
    n_board_same = (
        same_next
        & (tv["ev"].shift(-1) == 1)
        & tv["pk"].eq(tv["pk"].shift(-1))
        & ((tv["ts"].shift(-1) - tv["ts"]).dt.total_seconds() <= 43200)
    )
    p_alight_same = (
        same_prev
        & (tv["ev"].shift() == 2)
        & tv["pk"].eq(tv["pk"].shift())
        & ((tv["ts"] - tv["ts"].shift()).dt.total_seconds() <= 43200)
    )
    unpaired = ~(p_ok | n_ok)
    un = tv[unpaired]
    ur = np.select(
        [
            (un["ev"] == 2) & n_board_same[unpaired],
            un["ev"] == 2,
            p_alight_same[unpaired],
        ],
        ["alight_before_board", "alight_without_board", "alight_before_board"],
        default="board_without_alight",
    )
    reason_k[un["k"].to_numpy()] = ur
    a = tv[p_ok]
    b = tv[n_ok]
    rides = pd.DataFrame(
        {
            "bk": b["k"].to_numpy(),
            "ak": a["k"].to_numpy(),
            "trip_id": b["trip_id"].to_numpy(),
            "b_stop": b["stop_id"].to_numpy(),
            "a_stop": a["stop_id"].to_numpy(),
            "b_seq": b["seq"].to_numpy(),
            "a_seq": a["seq"].to_numpy(),
            "c": b["c"].fillna(0).to_numpy(),
            "date0": b["date0"].to_numpy(),
            "b_secs": b["secs0"].to_numpy(),
            "dur": (a["ts"].to_numpy() - b["ts"].to_numpy()) / np.timedelta64(1, "s"),
        }
    )
    rides["date"] = rides["date0"] - pd.to_timedelta(rides["c"], unit="D")
    rides["b_secs"] = rides["b_secs"] + 86400 * rides["c"]
    rides["a_secs"] = rides["b_secs"] + rides["dur"]
    return rides


def _pd_match_vehicles(
    rides: pd.DataFrame, st: pd.DataFrame, runs: pd.DataFrame, trips: pd.DataFrame
) -> pd.DataFrame:
    """Rides known only by vehicle matched to a trip (``rides`` updated and returned)."""
    # vehicle-only rides: the running trip serving both stops nearest in time
    veh = rides[rides["trip_id"].isna() & (rides["b_stop"] != rides["a_stop"])]
    # candidate trips serving both stops, keyed by 20-minute departure buckets (2 x tolerance)
    pairs = st[["trip_id", "stop_id", "seq", "dep_s"]].merge(
        st[["trip_id", "stop_id", "seq", "arr_s"]], on="trip_id", suffixes=("_b", "_a")
    )
    pairs = pairs[pairs["seq_a"] > pairs["seq_b"]].rename(
        columns={"stop_id_b": "b_stop", "stop_id_a": "a_stop", "seq_b": "sb_seq", "seq_a": "sa_seq"}
    )
    width = 2 * TOL_MATCH
    pairs["bucket"] = (pairs["dep_s"] // width).astype("int64")
    vm = pd.concat([veh.assign(cc=c, dd=d) for c in (0, 1) for d in (-1, 0, 1)], ignore_index=True)
    vm["bucket"] = ((vm["b_secs"] + 86400 * vm["cc"]) // width).astype("int64") + vm["dd"]
    vm = vm[["bk", "b_stop", "a_stop", "date0", "b_secs", "a_secs", "cc", "bucket"]].merge(
        pairs, on=["b_stop", "a_stop", "bucket"]
    )
    vm = vm[(vm["dep_s"] - vm["b_secs"] - 86400 * vm["cc"]).abs() <= TOL_MATCH]
    vm["date"] = vm["date0"] - pd.to_timedelta(vm["cc"], unit="D")
    vm = vm.merge(runs, on=["trip_id", "date"])
    vm["score"] = (vm["dep_s"] - vm["b_secs"] - 86400 * vm["cc"]).abs() + (
        vm["arr_s"] - vm["a_secs"] - 86400 * vm["cc"]
    ).abs()
    # ties (parallel trips at the same times) go to the trip listed first in the feed
    position = pd.Series(np.arange(len(trips)), index=trips["trip_id"].to_numpy())
    vm["score"] = vm["score"] * 1e6 + position.reindex(vm["trip_id"]).to_numpy()
    vm = vm.sort_values(["bk", "score"], kind="stable").drop_duplicates("bk").set_index("bk")
    idx = rides["bk"].isin(vm.index)
    m = vm.reindex(rides.loc[idx, "bk"])
    rides.loc[idx, "trip_id"] = m["trip_id"].to_numpy()
    rides.loc[idx, "b_seq"] = m["sb_seq"].to_numpy()
    rides.loc[idx, "a_seq"] = m["sa_seq"].to_numpy()
    rides.loc[idx, "date"] = m["date"].to_numpy()
    rides.loc[idx, "b_secs"] = rides.loc[idx, "b_secs"].to_numpy() + 86400 * m["cc"].to_numpy()
    rides.loc[idx, "a_secs"] = rides.loc[idx, "a_secs"].to_numpy() + 86400 * m["cc"].to_numpy()
    return rides


def _pd_ride_checks(rides: pd.DataFrame, st: pd.DataFrame, reason_k: pd.Series) -> pd.DataFrame:
    """The rides that pass the ride checks (``reason_k`` updated for the others)."""
    # ride checks
    key = st.set_index(["trip_id", "seq"])
    bi = pd.MultiIndex.from_arrays([rides["trip_id"], rides["b_seq"].fillna(-1).astype("int64")])
    ai = pd.MultiIndex.from_arrays([rides["trip_id"], rides["a_seq"].fillna(-1).astype("int64")])
    sched = key["arr_s"].reindex(ai).to_numpy() - key["dep_s"].reindex(bi).to_numpy()
    dur = rides["a_secs"] - rides["b_secs"]
    rr = np.select(
        [
            rides["b_stop"] == rides["a_stop"],
            rides["trip_id"].isna(),
            rides["a_seq"] <= rides["b_seq"],
            (dur > MAX_RIDE) | (dur < 0.5 * sched - 120),
        ],
        ["same_stop", "no_matching_trip", "wrong_direction", "impossible_ride_time"],
        default="",
    )
    bad = rr != ""
    reason_k[rides.loc[bad, "bk"].to_numpy()] = rr[bad]
    reason_k[rides.loc[bad, "ak"].to_numpy()] = rr[bad]
    return rides[~bad]


def _pd_route_kpis(rides: pd.DataFrame, schedule: Any) -> pd.DataFrame:
    """Route boardings, alightings, pax-km, max load and vehicle-km."""
    from transit.demand.schedule import trip_runs

    st = schedule.stop_times
    trips = schedule.trips
    key = st.set_index(["trip_id", "seq"])
    # KPIs by route
    dist = key["dist_km"]
    rides = rides.assign(
        b_seq=rides["b_seq"].astype("int64"),
        a_seq=rides["a_seq"].astype("int64"),
    )
    bo = rides.groupby(["trip_id", "date", "b_seq"]).size().rename("boardings")
    al = rides.groupby(["trip_id", "date", "a_seq"]).size().rename("alightings")
    bo.index.names = al.index.names = ["trip_id", "date", "seq"]
    visits = pd.concat([bo, al], axis=1).fillna(0).reset_index()
    grid = visits[["trip_id", "date"]].drop_duplicates().merge(st[["trip_id", "seq"]], on="trip_id")
    loads = grid.merge(visits, on=["trip_id", "date", "seq"], how="left").fillna(
        {"boardings": 0, "alightings": 0}
    )
    loads = loads.sort_values(["trip_id", "date", "seq"])
    loads["load"] = (
        (loads["boardings"] - loads["alightings"])
        .groupby([loads["trip_id"], loads["date"]])
        .cumsum()
    )
    d = dist.reindex(pd.MultiIndex.from_arrays([loads["trip_id"], loads["seq"]])).to_numpy()
    nxt = dist.reindex(pd.MultiIndex.from_arrays([loads["trip_id"], loads["seq"] + 1])).to_numpy()
    loads["pax_km"] = loads["load"] * np.nan_to_num(nxt - d, nan=0.0)
    loads = loads.merge(trips[["trip_id", "route_id"]], on="trip_id")
    routes = loads.groupby("route_id").agg(
        boardings=("boardings", "sum"),
        alightings=("alightings", "sum"),
        pax_km=("pax_km", "sum"),
        max_load=("load", "max"),
    )
    first, last = rides["date"].min(), rides["date"].max()
    sr = trip_runs(schedule)
    sr = sr[(sr["date"] >= first) & (sr["date"] <= last)]
    vkm = sr.groupby("route_id")["km"].sum().rename("vehicle_km")
    return routes.join(vkm, how="outer").fillna(0).reset_index().sort_values("route_id")


# --------------------------------------------------------------------------- driver


def _equal(a: dict[str, object], b: dict[str, object]) -> bool:
    if a["accepted"] != b["accepted"] or a["rejected_by_reason"] != b["rejected_by_reason"]:
        return False
    ra, rb = a["routes"], b["routes"]
    assert isinstance(ra, dict) and isinstance(rb, dict)
    ours = pd.DataFrame(ra).set_index("route_id")
    theirs = pd.DataFrame(rb).set_index("route_id")
    ours = ours[ours["vehicle_km"] > 0].sort_index()
    theirs = theirs[theirs["vehicle_km"] > 0].sort_index()
    return bool(
        ours.index.equals(theirs.index)
        and (
            ours[["boardings", "alightings", "max_load"]].to_numpy()
            == theirs[["boardings", "alightings", "max_load"]].to_numpy()
        ).all()
        and np.allclose(ours[["pax_km", "vehicle_km"]], theirs[["pax_km", "vehicle_km"]], rtol=1e-9)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--feed", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corrupt-share", type=float, default=0.001)
    parser.add_argument("--side", choices=["ours", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--taps", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        if args.side == "ours":
            res = run_ours(args.taps, args.feed, args.work)
        else:
            res = run_pandas(args.taps, args.feed)
        print(json.dumps(res))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-demand-") as tmp:
        work = Path(tmp)
        feed = args.feed or _default_feed(work)
        results = _run_sides(args, feed, work)
    if results is None:
        return 1
    return _report(args, feed, results["ours"], results["pandas"])


def _default_feed(work: Path) -> Path:
    """The Cairns feed of the external data, else the tests' hand-made feed (written to
    ``work``)."""
    from transit.core.paths import external_data_dir

    ext = external_data_dir(required=False)
    cand = ext / "gtfs" / "gtfskit-cairns" / "cairns_gtfs.zip" if ext else None
    if cand is not None and cand.is_file():
        return cand
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.demand.conftest import write_feed

    return write_feed(work / "feed")


def _run_sides(args: argparse.Namespace, feed: Path, work: Path) -> dict[str, Any] | None:
    """Synthesize the taps, then run each side in its own process; their results (None when
    a side failed, its standard error printed)."""
    from transit.demand.schedule import read_schedule
    from transit.demand.synth import SynthOptions, synth_taps, write_taps

    t0 = time.perf_counter()
    schedule = read_schedule(feed)
    taps = synth_taps(
        schedule,
        rows=args.rows,
        seed=args.seed,
        options=SynthOptions(corrupt_share=args.corrupt_share),
    )
    path = write_taps(taps, work / "taps.csv")
    del taps
    synth_s = time.perf_counter() - t0
    print(f"synthesized {args.rows:,} taps on {feed.name} in {synth_s:.1f} s", flush=True)
    results = {}
    for side in ("ours", "pandas"):
        cmd = [sys.executable, __file__, "--out", str(args.out), "--side", side,
               "--taps", str(path), "--feed", str(feed), "--work", str(work)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return None
        results[side] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results


def _report(
    args: argparse.Namespace, feed: Path, ours: dict[str, Any], pandas_: dict[str, Any]
) -> int:
    """Write ``demand.json``, print the metrics; 1 when the two sides' results differ."""
    total = ours["ingest_s"] + ours["report_s"]
    out = {
        "rows": args.rows,
        "feed": feed.name,
        "ingest_s": round(ours["ingest_s"], 2),
        "report_s": round(ours["report_s"], 2),
        "total_s": round(total, 2),
        "peak_mb": round(ours["peak_mb"], 1),
        "pandas_baseline_s": round(pandas_["pandas_baseline_s"], 2),
        "pandas_peak_mb": round(pandas_["pandas_peak_mb"], 1),
        "speedup": round(pandas_["pandas_baseline_s"] / total, 2),
        "results_equal": _equal(ours, pandas_),
        "accepted": ours["accepted"],
        "rejected": sum(ours["rejected_by_reason"].values()),
        "targets": {"total_s": 60, "peak_mb": 2048, "speedup": 3},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "demand.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{'metric':<20}{'value':>14}{'target':>10}")
    for k in (
        "rows",
        "ingest_s",
        "report_s",
        "total_s",
        "peak_mb",
        "pandas_baseline_s",
        "pandas_peak_mb",
        "speedup",
        "results_equal",
    ):
        tgt = out["targets"].get(k, "")
        print(f"{k:<20}{out[k]!s:>14}{tgt!s:>10}")
    if not out["results_equal"]:
        (args.out / "demand_diff.json").write_text(
            json.dumps({"ours": ours, "pandas": pandas_}, indent=1), encoding="utf-8"
        )
        print(
            "pandas baseline and ours differ:",
            json.dumps(
                {
                    "accepted": [ours["accepted"], pandas_["accepted"]],
                    "reasons": [ours["rejected_by_reason"], pandas_["rejected_by_reason"]],
                    "routes": [ours["routes"], pandas_["routes"]],
                }
            ),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
