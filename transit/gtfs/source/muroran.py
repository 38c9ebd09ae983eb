"""The Muroran (道南バス, 2017) worked example: a source folder over the operator's raw workbooks.

:func:`write_muroran_source` lays out a source folder that *links* (never copies) the raw
operator files of ``timetables/muroran-donanbus-2017/`` in the external data folder: both
timetable workbooks, the fare triangles and the pole completions, with a ``feed.toml`` using the
``muroran`` layout profile and a ``routes.csv`` listing the 78 city-line 系統 of the reference
feed ``gtfs/jp-donanbus-muroran-2017/``. Build it with
``transit gtfs build DIR -o muroran.zip --stops-from <reference feed>``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from transit.core.gtfstime import normalize_gtfs_time, normalize_text
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.columns import ROUTES_CSV
from transit.gtfs.source.workbook import read_workbook

TIMETABLES = "timetables/muroran-donanbus-2017"
REFERENCE = "gtfs/jp-donanbus-muroran-2017"
WORKBOOKS = ("timetable_weekday_20170401.xls", "timetable_weekend_20170401.xls")

FEED_TOML = """\
# 道南バス (Muroran) city lines, 2017-04-01 timetable: the operator's raw export.
[feed]
version = "20170401"
start_date = 2017-04-01
end_date = 2018-03-31
publisher_name = "transit (Muroran example)"
publisher_url = "https://www.city.nobeoka.miyazaki.jp/"

[agency]
id = "1430001056880"
name = "道南バス株式会社"
url = "http://donanbus.co.jp/"
phone = "0143-45-2131"

[agency_jp]
official_name = "道南バス株式会社"
zip_number = "0500083"
address = "北海道室蘭市東町３丁目２５番３号"

[day_types."平日"]
service_id = "weekday"
days = ["mon", "tue", "wed", "thu", "fri"]
holidays = "off"
new_year_break = false

[day_types."土日祝"]
service_id = "weekend"
days = ["sat", "sun"]
holidays = "on"
new_year_break = false

[layout]
profile = "muroran"
"""


def _link(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.resolve())


def write_muroran_source(folder: Path, external: Path, *, city_lines_only: bool = True) -> Path:
    """Write the Muroran source folder into ``folder`` (symlinks to the external files).

    ``city_lines_only`` lists only the reference feed's 78 routes in routes.csv (the other
    sheets are skipped); otherwise routes.csv is empty and ``check --all-sheets`` reads all.

    Returns
    -------
    Path
        The reference feed folder, to pass as ``--stops-from``.
    """
    raw = external / TIMETABLES
    reference = external / REFERENCE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feed.toml").write_text(FEED_TOML, encoding="utf-8")
    for name in WORKBOOKS:
        _link(raw / name, folder / "timetables" / name)
    _link(raw / "triangle_table.xlsx", folder / "fares" / "triangle_table.xlsx")
    _link(raw / "pole_completions.csv", folder / "pole_completions.csv")
    records: list[dict[str, object]] = []
    if city_lines_only:
        fares = read_workbook(raw / "triangle_table.xlsx", merged=False, sheets=lambda _name: False)
        fare_sheets = set(fares.skipped)
        routes = read_feed(reference).routes
        for rec in routes.sort_values("route_id").to_dict("records"):
            rid = str(rec["route_id"])
            records.append(
                {
                    "route_id": rid,
                    "route_long_name": rec["route_long_name"],
                    "fare_table": rid if rid in fare_sheets else "",
                }
            )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ROUTES_CSV.template)
    writer.writerows(ROUTES_CSV.template_rows(records))
    (folder / ROUTES_CSV.name).write_text(buf.getvalue(), encoding="utf-8")
    return reference


def _trip_rows(
    tables: dict[str, pd.DataFrame],
) -> dict[tuple[str, str], list[list[tuple[str, str, str, str]]]]:
    """``(route_id, service_id) -> trips``, each a list of ``(stop name, arrival, departure, stop_id)``."""
    names = dict(zip(tables["stops"]["stop_id"], tables["stops"]["stop_name"], strict=True))
    trips = tables["trips"]
    key_of = {
        t: (r, s)
        for t, r, s in zip(trips["trip_id"], trips["route_id"], trips["service_id"], strict=True)
    }
    st = tables["stop_times"].copy()
    st["_seq"] = st["stop_sequence"].astype(int)
    st = st.sort_values(["trip_id", "_seq"], kind="mergesort")
    out: dict[tuple[str, str], list[list[tuple[str, str, str, str]]]] = {}
    for trip_id, group in st.groupby("trip_id", sort=True):
        rows = [
            (
                normalize_text(names.get(sid, "")),
                normalize_gtfs_time(a),
                normalize_gtfs_time(d),
                sid,
            )
            for sid, a, d in zip(
                group["stop_id"], group["arrival_time"], group["departure_time"], strict=True
            )
        ]
        out.setdefault(key_of[str(trip_id)], []).append(rows)
    return out


def compare_with_reference(
    built: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    """Agreement of a built feed with the reference feed, trip by trip.

    Each reference trip is paired with a built trip of the same route and service whose
    stop-name sequence and times agree best (greedy, each built trip used once). A stop_time
    *agrees* when the paired trip has the same stop name, arrival and departure at that position.

    Returns
    -------
    dict
        ``reference_trips``, ``built_trips``, ``matched_trips`` (same names and times
        throughout), ``reference_stop_times``, ``agreeing_stop_times``,
        ``reference_agreement_pct`` (agreeing / reference stop_times × 100),
        ``same_pole_pct`` (of agreeing stop_times, the share with the same stop_id), and
        ``differences`` (up to 20 examples).
    """
    ours = _trip_rows(built)
    theirs = _trip_rows(reference)
    total = agree = same_pole = matched = 0
    differences: list[str] = []
    for key in sorted(theirs):
        pool = list(ours.get(key, []))
        for ref in theirs[key]:
            total += len(ref)
            best, best_score = None, -1
            for i, cand in enumerate(pool):
                score = sum(1 for a, b in zip(ref, cand, strict=False) if a[:3] == b[:3]) - abs(
                    len(ref) - len(cand)
                )
                if score > best_score:
                    best, best_score = i, score
            if best is None:
                differences.append(f"{key}: no built trip for the reference trip from {ref[0][2]}")
                continue
            cand = pool.pop(best)
            ok = [a[:3] == b[:3] for a, b in zip(ref, cand, strict=False)]
            agree += sum(ok)
            same_pole += sum(
                1 for a, b in zip(ref, cand, strict=False) if a[:3] == b[:3] and a[3] == b[3]
            )
            if all(ok) and len(ref) == len(cand):
                matched += 1
            elif len(differences) < 20:
                first = next((i for i, v in enumerate(ok) if not v), min(len(ref), len(cand)))
                differences.append(
                    f"{key}: reference trip from {ref[0][2]} differs at stop {first + 1}: "
                    f"{ref[first] if first < len(ref) else '-'} vs {cand[first] if first < len(cand) else '-'}"
                )
    return {
        "reference_trips": sum(len(v) for v in theirs.values()),
        "built_trips": sum(len(v) for v in ours.values()),
        "matched_trips": matched,
        "reference_stop_times": total,
        "agreeing_stop_times": agree,
        "reference_agreement_pct": round(100.0 * agree / total, 3) if total else 0.0,
        "same_pole_pct": round(100.0 * same_pole / agree, 3) if agree else 0.0,
        "differences": differences,
    }
