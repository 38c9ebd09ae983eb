"""A hand-made city for the proposal rules: route R1 on a line A–B–C–D (1 km apart by
``shape_dist_traveled``), route R2 from A to E; one weekday of rides (2026-04-01).

R1 runs T01–T04 A→D at 9:00, 10:00, 11:00, 12:00 and U01–U04 D→A at 9:30 … 12:30 (10 minutes
between stops); R2 runs V1 A→E 8:00 and V2 E→A 8:30 (10 minutes). Loads per segment (riders on
board): T01 A–B 3, B–C 3, C–D 1; T02 2, 2, 0; T03 0, 2, 0; T04 nobody; U01 D–C 1, C–B 3, B–A 2;
U02 C–B 1; U03 B–A 1; U04 C–B 1, B–A 1; V1 and V2 one rider each.
"""

from __future__ import annotations

from pathlib import Path

from tests.demand.conftest import HEADER, KEY, tap_lines
from transit.demand.ingest import ingest_files

STOPS = {"A": 32.580, "B": 32.589, "C": 32.598, "D": 32.607, "E": 32.580}


def _trip(tid: str, stops: str, start_min: int) -> list[str]:
    rows = []
    for i, s in enumerate(stops):
        t = start_min + 10 * i
        hhmm = f"{t // 60:02d}:{t % 60:02d}:00"
        rows.append(f"{tid},{hhmm},{hhmm},{s},{i + 1},{i}")
    return rows


TRIPS = {
    "T01": ("R1", 0, "ABCD", 540), "T02": ("R1", 0, "ABCD", 600),
    "T03": ("R1", 0, "ABCD", 660), "T04": ("R1", 0, "ABCD", 720),
    "U01": ("R1", 1, "DCBA", 570), "U02": ("R1", 1, "DCBA", 630),
    "U03": ("R1", 1, "DCBA", 690), "U04": ("R1", 1, "DCBA", 750),
    "V1": ("R2", 0, "AE", 480), "V2": ("R2", 1, "EA", 510),
}  # fmt: skip

#: (trip, board stop, alight stop, riders)
RIDES = [
    ("T01", "A", "C", 3), ("T01", "C", "D", 1), ("T02", "A", "C", 2), ("T03", "B", "C", 2),
    ("U01", "D", "B", 1), ("U01", "C", "A", 2), ("U02", "C", "B", 1), ("U03", "B", "A", 1),
    ("U04", "C", "A", 1), ("V1", "A", "E", 1), ("V2", "E", "A", 1),
]  # fmt: skip


def write_city(folder: Path, *, stop_name: str = "") -> Path:
    """Write the feed folder; ``stop_name`` (when given) names stop C."""
    folder.mkdir(parents=True, exist_ok=True)
    lon = {"A": 131.66, "B": 131.66, "C": 131.66, "D": 131.66, "E": 131.6493}
    names = {s: f"停留所{s}" for s in STOPS} | ({"C": stop_name} if stop_name else {})
    stops = [f"{s},{_csv(names[s])},{STOPS[s]},{lon[s]}" for s in STOPS]
    st = [r for tid, (_, _, seq, t0) in TRIPS.items() for r in _trip(tid, seq, t0)]
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nX,Test,https://example.org,Asia/Tokyo\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n" + "\n".join(stops) + "\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
        "R1,X,1,本線,3\nR2,X,2,支線,3\n",
        "trips.txt": "route_id,service_id,trip_id,direction_id\n"
        + "\n".join(f"{r},WD,{t},{d}" for t, (r, d, _, _) in TRIPS.items()) + "\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
        + "\n".join(st) + "\n",
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WD,1,1,1,1,1,0,0,20260401,20260430\n",
    }  # fmt: skip
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def build_store(feed: Path, store: Path) -> Path:
    """Ingest the taps of :data:`RIDES` (one card per rider) into ``store``."""
    starts = {tid: (seq, t0) for tid, (_, _, seq, t0) in TRIPS.items()}

    def at(tid: str, stop: str, lag_s: int) -> str:
        seq, t0 = starts[tid]
        s = (t0 + 10 * seq.index(stop)) * 60 + lag_s
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

    rides = []
    n = 0
    for tid, board, alight, count in RIDES:
        for _ in range(count):
            n += 1
            rides.append(
                (f"IC{n:012d}", tid, board, at(tid, board, 10), alight, at(tid, alight, 5))
            )
    taps = store.parent / "taps.csv"
    taps.write_text("\n".join([HEADER, *tap_lines(rides)]) + "\n", encoding="utf-8")
    ingest_files([taps], store=store, key=KEY, feed=feed)
    return store
