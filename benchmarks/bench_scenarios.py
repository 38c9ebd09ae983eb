"""Scenario benchmark: observed rides re-routed on a real city's timetable, and vehicle blocking.

Usage: ``python benchmarks/bench_scenarios.py --out DIR [--rides N] [--seed S] [--feed FEED]``
(default 100,000 rides on the Cairns feed of the external data, 1,339 trips). The rides are
synthesized from the feed's own trips (seeded): a trip running on a random service day of the
feed, boarding and alighting at random stops of it, asking to leave at its scheduled departure.
Writes ``DIR/scenarios.json`` with ``rides``, ``assign_s``, ``rides_per_s``, ``kept``,
``transfers``, ``blocking_s``, the fleet per kind of service day, ``peak_mb`` (VmHWM of the
process) and the load average before and after (the machine may be shared).
Targets on 2 cores: re-routing <= 60 s, blocking <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.paths import external_path
from transit.demand.scenarios.assign import assign_riders
from transit.demand.scenarios.evaluate import network_blocks
from transit.demand.scenarios.feedops import stop_points
from transit.demand.scenarios.params import CostParams, SearchParams
from transit.demand.scenarios.roads import Roads
from transit.demand.scenarios.timetable import Network, prepare_network, service_sets
from transit.gtfs.feedio import read_feed


def _vm_hwm_mb() -> float:
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.is_file() else []
    found = [int(x.split()[1]) for x in lines if x.startswith("VmHWM:")]
    return found[0] / 1024.0 if found else float("nan")


def synth_rides(network: Network, n: int, seed: int) -> pd.DataFrame:
    """``n`` rides on the feed's own trips (a rider table, see ``transit.demand.scenarios``)."""
    rng = np.random.default_rng(seed)
    dates = np.sort(network.service_dates["date"].unique())
    day = pd.Series(rng.choice(dates, n))
    sets = service_sets(network.service_dates, day)
    st = network.schedule.stop_times.reset_index(drop=True)
    first = pd.Series(np.arange(len(st))).groupby(st["trip_id"].to_numpy()).min()
    size = st.groupby("trip_id").size()
    trips = network.schedule.trips
    trip = np.empty(n, dtype=object)
    for services, idx in pd.Series(np.arange(n)).groupby(sets.to_numpy()):
        pool = trips.loc[trips["service_id"].isin(set(services)), "trip_id"].to_numpy()
        trip[idx.to_numpy()] = rng.choice(pool, len(idx))
    length = size.reindex(trip).to_numpy()
    board = np.floor(rng.random(n) * (length - 1)).astype(int)
    alight = board + 1 + np.floor(rng.random(n) * (length - 1 - board)).astype(int)
    base = first.reindex(trip).to_numpy()
    stop, dep = st["stop_id"].to_numpy(), st["dep_s"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "rider_id": [f"r{i}" for i in range(n)],
            "date": pd.to_datetime(day).astype("datetime64[ns]"),
            "origin_stop_id": stop[base + board],
            "destination_stop_id": stop[base + alight],
            "desired_lo_s": dep[base + board],
            "desired_hi_s": dep[base + board],
            "weight": 1.0,
        }
    )


def block_feed(
    network: Network, feed_points: dict[str, tuple[float, float]], costs: CostParams
) -> list[dict[str, object]]:
    """Blocks of each kind of service day of the feed (the scenario evaluator's blocking,
    :func:`transit.demand.scenarios.evaluate.network_blocks`, on every date of the feed):
    ``services``, ``trips``, ``vehicles``, ``driver_hours``."""
    dates = network.service_dates["date"].drop_duplicates()
    _, blocks = network_blocks(network, feed_points, dates, Roads(None), costs)
    return [
        {"services": b.service_set, "trips": int(b.trips), "vehicles": int(b.vehicles),
         "driver_hours": round(float(b.driver_hours), 2)}
        for b in blocks.itertuples(index=False)
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--rides", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--feed", type=Path, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()
    feed_path = args.feed or external_path("gtfs", "gtfskit-cairns", "cairns_gtfs.zip")
    feed = read_feed(feed_path)
    params, costs = SearchParams(), CostParams()
    t0 = time.perf_counter()
    network = prepare_network(feed, params)
    prepare_s = time.perf_counter() - t0
    rides = synth_rides(network, args.rides, args.seed)
    t1 = time.perf_counter()
    result = assign_riders(network, rides, params=params)
    assign_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    blocks = block_feed(network, stop_points(feed), costs)
    blocking_s = time.perf_counter() - t2
    j = result.journeys
    doc = {
        "feed": feed_path.name, "trips": len(feed.trips), "rides": len(rides), "seed": args.seed,
        "prepare_s": round(prepare_s, 2), "assign_s": round(assign_s, 2),
        "rides_per_s": round(len(rides) / assign_s), "kept": int((j["status"] == "kept").sum()),
        "transfers": {str(k): int(v) for k, v in j["transfers"].value_counts().sort_index().items()},
        "blocking_s": round(blocking_s, 3), "blocks": blocks, "peak_mb": round(_vm_hwm_mb()),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scenarios.json").write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    print(json.dumps(doc, indent=2))
    ok = assign_s <= 60.0 and blocking_s <= 10.0
    print(
        f"re-routing {assign_s:.1f} s (target 60), blocking {blocking_s:.2f} s (target 10): {'ok' if ok else 'SLOW'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
