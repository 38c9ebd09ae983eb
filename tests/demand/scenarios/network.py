"""Hand-made feeds for the scenario tests: a builder from plain lists, and the 4-stop network.

The 4-stop network (stops about 1.1 km apart on a north-south line, too far to walk between)::

    SA --R1-- SB --R1-- SC --R2-- SD

R1 ``T1`` SA 8:00 → SB 8:10 → SC 8:20, ``T3`` back SC 8:30 → SB 8:40 → SA 8:50, ``T2`` SA 9:00 →
SC 9:20; R2 ``U1`` SC 8:30 → SD 8:45, ``U3`` SD 8:50 → SC 9:05, ``U2`` SC 9:30 → SD 9:45;
weekdays of April 2026.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from transit.core.gtfstime import parse_clock
from transit.gtfs.feedio import Feed

STOPS = {
    "SA": ("駅前", 32.58, 131.66),
    "SB": ("市役所", 32.59, 131.66),
    "SC": ("病院", 32.60, 131.66),
    "SD": ("団地", 32.61, 131.66),
}

#: trip id → (route, [(stop, "HH:MM"), …]) of the 4-stop network.
TRIPS = {
    "T1": ("R1", [("SA", "08:00"), ("SB", "08:10"), ("SC", "08:20")]),
    "T3": ("R1", [("SC", "08:30"), ("SB", "08:40"), ("SA", "08:50")]),
    "T2": ("R1", [("SA", "09:00"), ("SB", "09:10"), ("SC", "09:20")]),
    "U1": ("R2", [("SC", "08:30"), ("SD", "08:45")]),
    "U3": ("R2", [("SD", "08:50"), ("SC", "09:05")]),
    "U2": ("R2", [("SC", "09:30"), ("SD", "09:45")]),
}


#: Trips of the 4-stop network running back towards SA (direction_id 1).
RETURNS = frozenset({"T3", "U3"})


def _frame(rows: Sequence[Sequence[object]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame([[str(v) for v in r] for r in rows], columns=list(columns), dtype=object)


def build_feed(
    stops: dict[str, tuple[str, float, float]],
    trips: dict[str, tuple[str, list[tuple[str, str, str]]]],
) -> Feed:
    """A weekday feed (April 2026) from ``stops`` (id → name, lat, lon) and ``trips`` (id →
    route, [(stop, arrival HH:MM:SS, departure HH:MM:SS), …]); one route per distinct name."""
    routes = sorted({r for r, _ in trips.values()})
    st_rows = [
        [tid, arr, dep, sid, i + 1]
        for tid, (_, calls) in trips.items()
        for i, (sid, arr, dep) in enumerate(calls)
    ]
    return Feed(
        {
            "agency": _frame(
                [["A", "テスト交通", "https://example.org", "Asia/Tokyo", "ja"]],
                ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
            ),
            "stops": _frame(
                [[k, n, f"{la:.6f}", f"{lo:.6f}"] for k, (n, la, lo) in stops.items()],
                ["stop_id", "stop_name", "stop_lat", "stop_lon"],
            ),
            "routes": _frame(
                [[r, "A", r, f"{r}線", "3"] for r in routes],
                ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
            ),
            "trips": _frame(
                [[r, "WD", tid, "1" if tid in RETURNS else "0"] for tid, (r, _) in trips.items()],
                ["route_id", "service_id", "trip_id", "direction_id"],
            ),
            "stop_times": _frame(
                st_rows, ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]
            ),
            "calendar": _frame(
                [["WD", 1, 1, 1, 1, 1, 0, 0, "20260401", "20260430"]],
                [
                    "service_id",
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                    "start_date",
                    "end_date",
                ],
            ),
            "feed_info": _frame(
                [["テスト交通", "https://example.org", "ja", "20260401", "20260430", "1"]],
                [
                    "feed_publisher_name",
                    "feed_publisher_url",
                    "feed_lang",
                    "feed_start_date",
                    "feed_end_date",
                    "feed_version",
                ],
            ),
        }
    )


def four_stop_feed() -> Feed:
    """The 4-stop, 2-route network of the module docstring."""
    trips = {
        tid: (route, [(s, f"{t}:00", f"{t}:00") for s, t in calls])
        for tid, (route, calls) in TRIPS.items()
    }
    return build_feed(STOPS, trips)


def riders_table(
    rows: Sequence[tuple[str, str, str, str]], date: str = "2026-04-01"
) -> pd.DataFrame:
    """Riders ``(rider_id, origin, destination, "HH:MM")`` asking for one instant each."""
    secs = [parse_clock(t) for _, _, _, t in rows]
    return pd.DataFrame(
        {
            "rider_id": [r[0] for r in rows],
            "date": pd.Timestamp(date),
            "origin_stop_id": [r[1] for r in rows],
            "destination_stop_id": [r[2] for r in rows],
            "desired_lo_s": [float(s) for s in secs],
            "desired_hi_s": [float(s) for s in secs],
            "weight": 1.0,
        }
    )


#: Population points near the 4-stop network: (point_id, lat, lon, population, elderly).
POPULATION = [
    ("P1", 32.5809, 131.66, 100, 40),  # 100 m north of SA
    ("P2", 32.59, 131.664265, 50, 10),  # 400 m east of SB
    ("P3", 32.60, 131.68132, 30, 20),  # 2 km east of SC
    ("P4", 32.61135, 131.66, 20, 15),  # 150 m north of SD
]

#: A polygon (lon, lat) around SD and P4, the valley of the on-demand scenario.
VALLEY = [(131.65, 32.605), (131.67, 32.605), (131.67, 32.62), (131.65, 32.62), (131.65, 32.605)]


def write_city(folder: Path) -> dict[str, Path]:
    """The 4-stop feed (folder), its population, the valley polygon and a road network
    (GraphML: the four stops joined both ways at 30 km/h) under ``folder``."""
    import json

    import networkx as nx

    from transit.core.geo import haversine_m
    from transit.gtfs.feedio import write_feed

    folder.mkdir(parents=True, exist_ok=True)
    write_feed(four_stop_feed(), folder / "feed")
    lines = ["point_id,lon,lat,population,elderly"]
    lines += [f"{p},{lo},{la},{n},{e}" for p, la, lo, n, e in POPULATION]
    (folder / "points.csv").write_text("\n".join(lines) + "\n", "utf-8")
    area = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"area_id": "valley"},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in VALLEY]]}}]}  # fmt: skip
    (folder / "areas.geojson").write_text(json.dumps(area), "utf-8")
    graph = nx.MultiDiGraph()
    order = list(STOPS)
    for i, sid in enumerate(order):
        _, la, lo = STOPS[sid]
        graph.add_node(i, x=lo, y=la)
    for i in range(len(order) - 1):
        (_, la1, lo1), (_, la2, lo2) = STOPS[order[i]], STOPS[order[i + 1]]
        length = haversine_m(la1, lo1, la2, lo2)
        for u, v in ((i, i + 1), (i + 1, i)):
            graph.add_edge(u, v, length=length, speed_kph=30.0, highway="primary")
    nx.write_graphml(graph, folder / "roads.graphml")
    return {"feed": folder / "feed", "points": folder / "points.csv",
            "areas": folder / "areas.geojson", "roads": folder / "roads.graphml"}  # fmt: skip


def write_scenario(folder: Path, name: str, edits: str, *, extra: str = "") -> Path:
    """A scenario file ``name.toml`` on the 4-stop city in ``folder`` with ``edits`` (TOML)."""
    path = folder / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nbaseline = "feed"\npopulation = "points.csv"\n{extra}\n{edits}', "utf-8"
    )
    return path


#: Observed rides on the 4-stop network (Wednesday 2026-04-01): (rider, origin, dest, time).
RIDES = [
    ("a", "SA", "SC", "08:00"),  # T1
    ("b", "SA", "SD", "08:00"),  # T1, change at SC to U1
    ("c", "SD", "SC", "08:50"),  # U3
    ("d", "SB", "SA", "08:40"),  # T3
    ("e", "SC", "SD", "09:30"),  # U2
]


#: Taps on the 4-stop network: (card, trip, board stop, board time, alight stop, alight time).
TAPS = [
    ("IC000000000001", "T1", "SA", "08:00:10", "SC", "08:20:05"),
    ("IC000000000002", "T1", "SA", "08:00:20", "SB", "08:10:05"),
    ("IC000000000002", "T3", "SB", "08:40:10", "SA", "08:50:05"),
    ("IC000000000003", "U3", "SD", "08:50:10", "SC", "09:05:05"),
]


def write_store(folder: Path) -> Path:
    """A ridership store of :data:`TAPS` on the 4-stop feed (ingested with a test key)."""
    from tests.demand.conftest import HEADER, KEY, tap_lines
    from transit.demand.ingest import ingest_files
    from transit.demand.schedule import read_schedule

    taps = folder / "taps.csv"
    taps.write_text("\n".join([HEADER, *tap_lines(TAPS)]) + "\n", encoding="utf-8")
    store = folder / "store"
    ingest_files([taps], store=store, key=KEY, schedule=read_schedule(folder / "feed"))
    return store
